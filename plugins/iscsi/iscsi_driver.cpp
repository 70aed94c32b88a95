#include "iscsi_driver.hpp"

#include "iscsi_names.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::iscsi {
namespace {

StringMap extra_info(const std::string& portal, const LunFacts& facts) {
  return StringMap{{"portal", portal},
                   {"naa", facts.designator},
                   {"serial", facts.serial},
                   {"vendor", facts.vendor},
                   {"product", facts.product}};
}

ManageableSnapshot snapshot_record(const DiscoveredTarget& target, const LunFacts& facts) {
  ManageableSnapshot r;
  r.reference = canonical_reference({target.iqn, facts.lun}, facts.designator);
  r.size_bytes = facts.size_bytes;
  r.source_reference.set("source-name", target.target_class.name);
  r.in_use = facts.registered;
  r.reason = facts.problem;
  r.extra_info = extra_info(target.portal, facts);
  return r;
}

ManageableVolume volume_record(const DiscoveredTarget& target, const LunFacts& facts) {
  ManageableVolume r;
  r.reference = canonical_reference({target.iqn, facts.lun}, facts.designator);
  r.size_bytes = facts.size_bytes;
  r.in_use = facts.registered;
  r.reason = facts.problem;
  r.extra_info = extra_info(target.portal, facts);
  return r;
}

// A target whose LUNs are unknown: one entry that shows the operator why.
template <class Record>
Record unreachable_record(const TargetScan& scan) {
  Record r;
  r.reference.set("source-name", scan.target.iqn);
  r.reason = "the LUNs of target " + scan.target.iqn + " could not be listed: " + scan.problem->message;
  r.extra_info.set("portal", scan.target.portal);
  return r;
}

// LUN facts are only usable for inspect/adopt when every probe step succeeded.
Status usable(const LocatedLun& lun, const std::string& what) {
  if (!lun.facts.problem) return Status::success();
  return Error::backend(what + ": LUN " + to_string(lun.address()) + " cannot be read: " + *lun.facts.problem);
}

}  // namespace

Result<std::unique_ptr<Driver>> IscsiDriver::create(const DriverContext& context) {
  auto config = parse_iscsi_options(context.options);
  if (!config) return config.error();
  std::string portals;
  for (const auto& p : config->portals) portals += (portals.empty() ? "" : ", ") + p;
  context.logger.info("iscsi: portals " + portals + ", initiator " + config->initiator_name + ", CHAP " +
                      (config->chap ? "as user " + config->chap->user : std::string("off")) +
                      ", command_timeout_s=" + std::to_string(config->command_timeout.count()) +
                      ", max_parallel_logins=" + std::to_string(config->max_parallel_logins));
  return std::unique_ptr<Driver>(new IscsiDriver(std::move(*config), context.logger, context.state_dir));
}

IscsiDriver::IscsiDriver(IscsiConfig config, Logger& logger, const std::string& state_dir)
    : config_(std::move(config)),
      logger_(logger),
      scanner_(config_),
      resolver_(config_, scanner_),
      ledger_(state_dir) {}

Result<std::vector<TargetScan>> IscsiDriver::scan_kind(const Call& call, TargetKind kind, const char* listing) {
  auto discovery = scanner_.discover(call);
  if (!discovery) {
    logger_.error(std::string("iscsi: listing ") + listing + " failed: " + discovery.error().message());
    return discovery.error();
  }
  for (const auto& failure : discovery->failures) {
    logger_.warn(std::string("iscsi: listing ") + listing + " without a portal: " + failure.message());
  }
  std::vector<DiscoveredTarget> targets;
  for (const auto& t : discovery->targets) {
    if (t.target_class.kind == kind) {
      targets.push_back(t);
    } else {
      logger_.debug("iscsi: target " + t.iqn + " is a " + to_string(t.target_class.kind) + " target; not listed with " +
                    listing);
    }
  }
  auto scans = scanner_.scan(call, targets);
  if (call.expired()) {
    return Error::timeout(std::string("iscsi: listing ") + listing + " did not finish before the call's deadline (" +
                          std::to_string(targets.size()) + " targets)");
  }
  for (const auto& scan : scans) {
    if (scan.problem)
      logger_.warn("iscsi: target " + scan.target.iqn + " listed without its LUNs: " + scan.problem->message);
    for (const auto& lun : scan.luns) {
      if (lun.problem)
        logger_.warn("iscsi: LUN " + scan.target.iqn + "/" + std::to_string(lun.lun) + ": " + *lun.problem);
    }
  }
  logger_.debug(std::string("iscsi: scanned ") + std::to_string(scans.size()) + " " + to_string(kind) + " targets");
  return scans;
}

Status IscsiDriver::stream_snapshots(const Call& call, SnapshotSink& out) noexcept {
  return guarded("iscsi: listing snapshots", [&]() -> Status {
    auto scans = scan_kind(call, TargetKind::Snapshot, "snapshots");
    if (!scans) return scans.error();
    for (const auto& scan : *scans) {
      if (scan.problem) {
        auto r = unreachable_record<ManageableSnapshot>(scan);
        r.source_reference.set("source-name", scan.target.target_class.name);
        out.add(std::move(r));
      }
      for (const auto& lun : scan.luns) out.add(snapshot_record(scan.target, lun));
    }
    return Status::success();
  });
}

Status IscsiDriver::stream_volumes(const Call& call, VolumeSink& out) noexcept {
  return guarded("iscsi: listing volumes", [&]() -> Status {
    auto scans = scan_kind(call, TargetKind::Volume, "volumes");
    if (!scans) return scans.error();
    for (const auto& scan : *scans) {
      if (scan.problem) out.add(unreachable_record<ManageableVolume>(scan));
      for (const auto& lun : scan.luns) out.add(volume_record(scan.target, lun));
    }
    return Status::success();
  });
}

Result<LocatedLun> IscsiDriver::checked_snapshot(const Call& call, const StringMap& reference,
                                                 const StringMap& volume_reference) {
  const std::string what = "snapshot reference " + describe(reference);
  auto locator = parse_lun_reference(reference, "snapshot reference");
  if (!locator) return locator.error();
  const std::string volume_what = "volume reference " + describe(volume_reference);
  auto volume = parse_volume_reference(volume_reference, "volume reference");
  if (!volume) return volume.error();

  auto located = resolver_.locate(call, *locator, TargetKind::Snapshot, what);
  if (!located) return located.error();
  auto volume_name = resolver_.volume_name(call, *volume, volume_what);
  if (!volume_name) return volume_name.error();
  const std::string& origin = located->target.target_class.name;
  if (*volume_name != origin) {
    return Error::invalid_reference(what + ": LUN " + to_string(located->address()) + " is a snapshot of volume " +
                                    quoted(origin) + ", not of volume " + quoted(*volume_name) + " (" + volume_what +
                                    ")");
  }
  if (auto st = usable(*located, what); !st) return st.error();
  return located;
}

Result<LocatedLun> IscsiDriver::checked_volume(const Call& call, const StringMap& reference) {
  const std::string what = "volume reference " + describe(reference);
  auto locator = parse_volume_reference(reference, "volume reference");
  if (!locator) return locator.error();
  auto located = resolver_.locate_volume(call, *locator, what);
  if (!located) return located.error();
  if (auto st = usable(*located, what); !st) return st.error();
  return located;
}

Result<ManageableSnapshot> IscsiDriver::inspect_snapshot(const Call& call, const StringMap& reference,
                                                         const StringMap& volume_reference) noexcept {
  return guarded("iscsi: inspecting snapshot", [&]() -> Result<ManageableSnapshot> {
    auto located = checked_snapshot(call, reference, volume_reference);
    if (!located) return located.error();
    return snapshot_record(located->target, located->facts);
  });
}

Result<StringMap> IscsiDriver::adopt_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference,
                                              const std::string& snapshot_id) noexcept {
  return guarded("iscsi: adopting snapshot", [&]() -> Result<StringMap> {
    auto located = checked_snapshot(call, reference, volume_reference);
    if (!located) {
      logger_.warn("iscsi: adopting " + describe(reference) + " as snapshot " + snapshot_id +
                   " failed: " + located.error().message());
      return located.error();
    }
    if (auto st = ledger_.record("snapshot", located->address(), located->facts.designator, snapshot_id); !st) {
      logger_.warn("iscsi: adopting " + describe(reference) + " as snapshot " + snapshot_id +
                   " failed: " + st.error().message());
      return st.error();
    }
    StringMap provider = canonical_reference(located->address(), located->facts.designator);
    logger_.info("iscsi: snapshot " + snapshot_id + " is LUN " + describe(provider) + " (recorded in " +
                 ledger_.path() + "; nothing changes on the target)");
    return provider;
  });
}

Status IscsiDriver::release_snapshot(const Call&, const StringMap& provider_reference,
                                     const std::string& snapshot_id) noexcept {
  return guarded("iscsi: releasing snapshot", [&]() -> Status {
    auto forgotten = ledger_.forget("snapshot", snapshot_id);
    if (!forgotten) return forgotten.error();
    if (*forgotten) {
      logger_.info("iscsi: snapshot " + snapshot_id + " (" + describe(provider_reference) + ") released");
    } else {
      logger_.warn("iscsi: released snapshot " + snapshot_id + " (" + describe(provider_reference) +
                   ") had no adoption record in " + ledger_.path());
    }
    return Status::success();
  });
}

Result<ManageableVolume> IscsiDriver::inspect_volume(const Call& call, const StringMap& reference) noexcept {
  return guarded("iscsi: inspecting volume", [&]() -> Result<ManageableVolume> {
    auto located = checked_volume(call, reference);
    if (!located) return located.error();
    return volume_record(located->target, located->facts);
  });
}

Result<StringMap> IscsiDriver::adopt_volume(const Call& call, const StringMap& reference,
                                            const std::string& volume_id) noexcept {
  return guarded("iscsi: adopting volume", [&]() -> Result<StringMap> {
    auto located = checked_volume(call, reference);
    if (!located) {
      logger_.warn("iscsi: adopting " + describe(reference) + " as volume " + volume_id +
                   " failed: " + located.error().message());
      return located.error();
    }
    if (auto st = ledger_.record("volume", located->address(), located->facts.designator, volume_id); !st) {
      logger_.warn("iscsi: adopting " + describe(reference) + " as volume " + volume_id +
                   " failed: " + st.error().message());
      return st.error();
    }
    StringMap provider = canonical_reference(located->address(), located->facts.designator);
    logger_.info("iscsi: volume " + volume_id + " is LUN " + describe(provider) + " (recorded in " + ledger_.path() +
                 "; nothing changes on the target)");
    return provider;
  });
}

Status IscsiDriver::release_volume(const Call&, const StringMap& provider_reference,
                                   const std::string& volume_id) noexcept {
  return guarded("iscsi: releasing volume", [&]() -> Status {
    auto forgotten = ledger_.forget("volume", volume_id);
    if (!forgotten) return forgotten.error();
    if (*forgotten) {
      logger_.info("iscsi: volume " + volume_id + " (" + describe(provider_reference) + ") released");
    } else {
      logger_.warn("iscsi: released volume " + volume_id + " (" + describe(provider_reference) +
                   ") had no adoption record in " + ledger_.path());
    }
    return Status::success();
  });
}

}  // namespace snapmgr::iscsi
