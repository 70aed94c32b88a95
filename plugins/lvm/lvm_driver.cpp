#include "lvm_driver.hpp"

#include "lv_kind.hpp"
#include "lv_name.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::lvm {
namespace {

std::string describe_reference(const StringMap& ref) {
  std::string s = "{";
  for (const auto& [k, v] : ref) s += (s.size() > 1 ? ", " : "") + quote_name(k) + ": " + quote_name(v);
  return s + "}";
}

// The InspectionMemo key of a snapshot checked against a volume, or of a volume.
std::string snapshot_key(const StringMap& reference, const StringMap& volume_reference) {
  const std::string* name = reference.find("source-name");
  const std::string* volume = volume_reference.find("source-name");
  return "snapshot/" + (name ? *name : "") + "/" + (volume ? *volume : "");
}

std::string volume_key(const StringMap& reference) {
  const std::string* name = reference.find("source-name");
  return "volume/" + (name ? *name : "");
}

}  // namespace

Result<std::unique_ptr<Driver>> LvmDriver::create(const DriverContext& context) {
  auto config = parse_lvm_options(context.options);
  if (!config) return config.error();
  // No process runs here: a volume group that is missing at start-up is reported by each call
  // (BackendError naming it), so snapmgrd starts and says so instead of refusing to start.
  context.logger.info("lvm: volume group " + quote_name(config->volume_group) + " through " +
                      quote_name(config->lvm_binary) +
                      (config->lvm_system_dir.empty() ? "" : " with LVM_SYSTEM_DIR=" + config->lvm_system_dir));
  return std::unique_ptr<Driver>(std::make_unique<LvmDriver>(std::move(*config), context));
}

LvmDriver::LvmDriver(LvmConfig config, const DriverContext& context)
    : config_(std::move(config)), logger_(context.logger), commands_(config_, context.commands) {}

Result<std::string> LvmDriver::lv_name(const StringMap& reference, const char* role) const {
  const std::string* name = reference.find("source-name");
  if (!name) {
    return Error::invalid_reference(std::string(role) + " reference " + describe_reference(reference) +
                                    " has no source-name (the lvm driver names LVs by source-name)");
  }
  if (auto problem = lv_name_problem(*name, config_.volume_group); !problem.empty()) {
    return Error::invalid_reference(std::string(role) + " reference source-name " + quote_name(*name) +
                                    " is not an LVM logical volume name: it " + problem);
  }
  return *name;
}

Result<LvRow> LvmDriver::checked_snapshot(const Call& call, const StringMap& reference,
                                          const StringMap& volume_reference, bool* missing) const {
  auto name = lv_name(reference, "snapshot");
  if (!name) return name.error();
  auto volume = lv_name(volume_reference, "volume");
  if (!volume) return volume.error();
  auto found = commands_.find(call, *name);
  if (!found) return found.error();
  const std::string where = " in volume group " + quote_name(config_.volume_group);
  if (!*found) {
    if (missing) *missing = true;
    return Error::invalid_reference("snapshot LV " + quote_name(*name) + " does not exist" + where);
  }
  LvRow& lv = **found;
  if (!is_snapshot(classify(lv))) {
    return Error::invalid_reference("LV " + quote_name(*name) + where + " is " + describe(lv) + ", not a snapshot");
  }
  if (lv.origin != *volume) {
    return Error::invalid_reference("LV " + quote_name(*name) + where + " is a snapshot of " + quote_name(lv.origin) +
                                    ", not of volume " + quote_name(*volume));
  }
  return std::move(lv);
}

Result<LvRow> LvmDriver::checked_volume(const Call& call, const StringMap& reference, bool* missing) const {
  auto name = lv_name(reference, "volume");
  if (!name) return name.error();
  auto found = commands_.find(call, *name);
  if (!found) return found.error();
  const std::string where = " in volume group " + quote_name(config_.volume_group);
  if (!*found) {
    if (missing) *missing = true;
    return Error::invalid_reference("volume LV " + quote_name(*name) + " does not exist" + where);
  }
  LvRow& lv = **found;
  if (classify(lv) != LvKind::Volume) {
    return Error::invalid_reference("LV " + quote_name(*name) + where + " is " + describe(lv) + ", not a volume");
  }
  return std::move(lv);
}

Result<std::string> LvmDriver::new_name(const std::string& name_template, const std::string& id, bool snapshot) const {
  std::string name = expand_template(name_template, id);
  if (snapshot) name = escape_snapshot_name(std::move(name));
  if (auto problem = lv_name_problem(name, config_.volume_group); !problem.empty()) {
    return Error::not_supported(std::string("cannot adopt as ") + (snapshot ? "snapshot " : "volume ") +
                                quote_name(id) + ": the LV would be renamed to " + quote_name(name) + ", which " +
                                problem);
  }
  return name;
}

// The SDK requires adoption to be idempotent: a repeat after a host crash (the rename happened,
// the host did not record it) finds the LV under its target name and succeeds. This costs a
// second `lvs` only on that failure path; a first adoption still runs two processes.
template <class Check>
Result<StringMap> LvmDriver::already_adopted(const Call& call, const Error& failure, bool missing,
                                             const std::string& target, Check check) const {
  if (!missing || call.expired()) return failure;
  if (check(StringMap{{"source-name", target}})) return StringMap{{"source-name", target}};
  return failure;
}

Result<StringMap> LvmDriver::rename_to(const Call& call, const LvRow& lv, const std::string& target, const char* role) {
  if (lv.name != target) {
    if (auto st = commands_.rename(call, lv.name, target); !st) return st.error();
    logger_.info("lvm: renamed " + std::string(role) + " " + config_.volume_group + "/" + lv.name + " to " + target);
  }
  return StringMap{{"source-name", target}};
}

std::optional<StringMap> LvmDriver::adopt_inspected(const Call& call, const std::string& key, const std::string& target,
                                                    const char* role) {
  auto row = inspected_.take(key);
  if (!row) return std::nullopt;
  auto renamed = rename_to(call, *row, target, role);
  if (!renamed) {
    logger_.info("lvm: " + std::string(role) + " " + quote_name(row->name) + " changed since it was inspected (" +
                 renamed.error().message() + "); looking again");
    return std::nullopt;
  }
  return std::move(*renamed);
}

Status LvmDriver::stream_snapshots(const Call& call, SnapshotSink& out) noexcept {
  return guarded("lvm: list_snapshots", [&]() -> Status {
    auto rows = commands_.list(call);
    if (!rows) return rows.error();
    for (const LvRow& lv : *rows) {
      if (is_snapshot(classify(lv))) out.add(to_snapshot_record(lv));
    }
    return Status::success();
  });
}

Result<ManageableSnapshot> LvmDriver::inspect_snapshot(const Call& call, const StringMap& reference,
                                                       const StringMap& volume_reference) noexcept {
  return guarded("lvm: inspect_snapshot", [&]() -> Result<ManageableSnapshot> {
    auto lv = checked_snapshot(call, reference, volume_reference);
    if (!lv) return lv.error();
    inspected_.remember(snapshot_key(reference, volume_reference), *lv);
    return to_snapshot_record(*lv);
  });
}

Result<StringMap> LvmDriver::adopt_snapshot(const Call& call, const StringMap& reference,
                                            const StringMap& volume_reference,
                                            const std::string& snapshot_id) noexcept {
  return guarded("lvm: adopt_snapshot", [&]() -> Result<StringMap> {
    auto target = new_name(config_.snapshot_name_template, snapshot_id, true);
    if (!target) return target.error();
    if (auto adopted = adopt_inspected(call, snapshot_key(reference, volume_reference), *target, "snapshot")) {
      return std::move(*adopted);
    }
    bool missing = false;
    auto lv = checked_snapshot(call, reference, volume_reference, &missing);
    if (!lv)
      return already_adopted(call, lv.error(), missing, *target, [&](const StringMap& renamed) {
        return checked_snapshot(call, renamed, volume_reference);
      });
    return rename_to(call, *lv, *target, "snapshot");
  });
}

Status LvmDriver::stream_volumes(const Call& call, VolumeSink& out) noexcept {
  return guarded("lvm: list_volumes", [&]() -> Status {
    auto rows = commands_.list(call);
    if (!rows) return rows.error();
    for (const LvRow& lv : *rows) {
      if (classify(lv) == LvKind::Volume) out.add(to_volume_record(lv));
    }
    return Status::success();
  });
}

Result<ManageableVolume> LvmDriver::inspect_volume(const Call& call, const StringMap& reference) noexcept {
  return guarded("lvm: inspect_volume", [&]() -> Result<ManageableVolume> {
    auto lv = checked_volume(call, reference);
    if (!lv) return lv.error();
    inspected_.remember(volume_key(reference), *lv);
    return to_volume_record(*lv);
  });
}

Result<StringMap> LvmDriver::adopt_volume(const Call& call, const StringMap& reference,
                                          const std::string& volume_id) noexcept {
  return guarded("lvm: adopt_volume", [&]() -> Result<StringMap> {
    auto target = new_name(config_.volume_name_template, volume_id, false);
    if (!target) return target.error();
    if (auto adopted = adopt_inspected(call, volume_key(reference), *target, "volume")) return std::move(*adopted);
    bool missing = false;
    auto lv = checked_volume(call, reference, &missing);
    if (!lv)
      return already_adopted(call, lv.error(), missing, *target,
                             [&](const StringMap& renamed) { return checked_volume(call, renamed); });
    return rename_to(call, *lv, *target, "volume");
  });
}

}  // namespace snapmgr::lvm
