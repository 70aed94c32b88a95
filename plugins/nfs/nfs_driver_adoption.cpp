// NfsDriver's inspection, adoption and release (nfs_driver.hpp; the recording itself is
// adoption_records.hpp).
#include "adoption_records.hpp"
#include "file_names.hpp"
#include "nfs_driver.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::nfs {

Result<NfsDriver::Target> NfsDriver::open_target(const Call& call, const StringMap& reference,
                                                 const std::string& what) {
  auto parsed = parse_file_reference(reference, share_names_, what);
  if (!parsed) return parsed.error();
  auto share = locate(call, *parsed, reference, what);
  if (!share) return share.error();
  auto held = lock(*share, call);
  if (!held) return held.error();
  return Target{std::move(parsed->name), *share, std::move(*held)};
}

Result<ListedFile> NfsDriver::checked_snapshot(const Call& call, std::size_t share, const std::string& name,
                                               const StringMap& volume_reference) {
  const std::string& share_name = share_names_[share];
  const std::string shown = "'" + name + "' on share '" + share_name + "'";
  auto volume = parse_file_reference(volume_reference, share_names_, "volume reference");
  if (!volume) return volume.error();
  if (volume->share && *volume->share != share) {
    return Error::invalid_reference("snapshot " + shown + " cannot belong to volume " + describe(volume_reference) +
                                    ", which is on share '" + share_names_[*volume->share] + "'");
  }
  auto file = describe_file(*shares_[share]->access, call, naming_, name);
  if (!file) return file.error();
  if (!*file) return Error::invalid_reference("share '" + share_name + "' has no image file '" + name + "'");
  ListedFile& found = **file;
  switch (found.analysis.role) {
    case FileRole::Volume: return Error::invalid_reference(shown + " is a volume, not a snapshot");
    case FileRole::Other:
      return Error::invalid_reference(shown + " is not a snapshot (a qcow2 image whose backing file is in the share)");
    case FileRole::Snapshot: break;
  }
  if (found.analysis.problem) {
    return Error::invalid_reference("snapshot " + shown + " cannot be adopted: " + *found.analysis.problem);
  }
  if (*found.analysis.base != volume->name) {
    return Error::invalid_reference("snapshot " + shown + " is a snapshot of volume '" + *found.analysis.base +
                                    "', not of " + describe(volume_reference));
  }
  return std::move(found);
}

Result<ListedFile> NfsDriver::checked_volume(const Call& call, std::size_t share, const std::string& name) {
  const std::string shown = "'" + name + "' on share '" + share_names_[share] + "'";
  auto file = describe_file(*shares_[share]->access, call, naming_, name);
  if (!file) return file.error();
  if (!*file) return Error::invalid_reference("share '" + share_names_[share] + "' has no image file '" + name + "'");
  ListedFile& found = **file;
  switch (found.analysis.role) {
    case FileRole::Snapshot: return Error::invalid_reference(shown + " is a snapshot (a qcow2 overlay), not a volume");
    case FileRole::Other:
      return Error::invalid_reference(shown + " is not a volume file (" + naming_.volume_pattern() +
                                      ", raw or qcow2 without backing file)");
    case FileRole::Volume: break;
  }
  if (found.analysis.problem) {
    return Error::invalid_reference("volume " + shown + " cannot be adopted: " + *found.analysis.problem);
  }
  return std::move(found);
}

Result<ManageableSnapshot> NfsDriver::inspect_snapshot(const Call& call, const StringMap& reference,
                                                       const StringMap& volume_reference) noexcept {
  return guarded("nfs: inspecting a snapshot", [&]() -> Result<ManageableSnapshot> {
    auto target = open_target(call, reference, "snapshot reference");
    if (!target) return target.error();
    auto file = checked_snapshot(call, target->share, target->name, volume_reference);
    if (!file) return file.error();
    return to_snapshot(target->share, *file);
  });
}

Result<StringMap> NfsDriver::adopt_snapshot(const Call& call, const StringMap& reference,
                                            const StringMap& volume_reference,
                                            const std::string& snapshot_id) noexcept {
  return guarded("nfs: adopting a snapshot", [&]() -> Result<StringMap> {
    if (auto st = check_record_id(snapshot_id, "snapshot"); !st) return st.error();
    auto target = open_target(call, reference, "snapshot reference");
    if (!target) return target.error();
    auto file = checked_snapshot(call, target->share, target->name, volume_reference);
    if (!file) return file.error();
    if (auto st = record_adoption(*shares_[target->share]->access, call, naming_, *file->analysis.base, file->name,
                                  snapshot_id, "snapshot");
        !st) {
      return st.error();
    }
    logger_.info("nfs: adopted snapshot '" + file->name + "' on share '" + share_names_[target->share] + "' as " +
                 snapshot_id + " (recorded in " + NamingScheme::info_file_for(*file->analysis.base) + ")");
    return make_file_reference(share_names_, target->share, file->name);
  });
}

Status NfsDriver::release_snapshot(const Call& call, const StringMap& provider_reference,
                                   const std::string& snapshot_id) noexcept {
  return guarded("nfs: releasing a snapshot", [&]() -> Status {
    auto target = open_target(call, provider_reference, "snapshot reference");
    if (!target) return target.error();
    ShareAccess& access = *shares_[target->share]->access;
    auto file = describe_file(access, call, naming_, target->name);
    if (!file) return file.error();
    // The info file of the overlay's volume; for a file that is broken or gone (deleted behind
    // our back), the volume its Cinder-style name points to, so its record is still removed.
    std::optional<std::string> volume;
    if (*file && (*file)->analysis.base) volume = (*file)->analysis.base;
    if (!volume) volume = naming_.cinder_overlay_volume(target->name);
    if (!volume && !*file) {
      return Error::invalid_reference("share '" + share_names_[target->share] + "' has no image file '" + target->name +
                                      "'");
    }
    if (!volume) {
      logger_.warn("nfs: released snapshot " + snapshot_id + ": '" + target->name + "' on share '" +
                   share_names_[target->share] + "' belongs to no volume; no info file to update");
      return Status::success();
    }
    std::string note;
    if (auto st = forget_adoption(access, call, *volume, target->name, snapshot_id, note); !st) return st;
    if (!note.empty())
      logger_.warn("nfs: released snapshot " + snapshot_id + ": " + note);
    else
      logger_.info("nfs: released snapshot " + snapshot_id + " ('" + target->name + "' on share '" +
                   share_names_[target->share] + "'); the file is left as it is");
    return Status::success();
  });
}

Result<ManageableVolume> NfsDriver::inspect_volume(const Call& call, const StringMap& reference) noexcept {
  return guarded("nfs: inspecting a volume", [&]() -> Result<ManageableVolume> {
    auto target = open_target(call, reference, "volume reference");
    if (!target) return target.error();
    auto file = checked_volume(call, target->share, target->name);
    if (!file) return file.error();
    return to_volume(target->share, *file);
  });
}

Result<StringMap> NfsDriver::adopt_volume(const Call& call, const StringMap& reference,
                                          const std::string& volume_id) noexcept {
  return guarded("nfs: adopting a volume", [&]() -> Result<StringMap> {
    if (auto st = check_record_id(volume_id, "volume"); !st) return st.error();
    auto target = open_target(call, reference, "volume reference");
    if (!target) return target.error();
    auto file = checked_volume(call, target->share, target->name);
    if (!file) return file.error();
    if (auto st = record_adoption(*shares_[target->share]->access, call, naming_, file->name, file->name, volume_id,
                                  "volume");
        !st) {
      return st.error();
    }
    logger_.info("nfs: adopted volume '" + file->name + "' on share '" + share_names_[target->share] + "' as " +
                 volume_id);
    return make_file_reference(share_names_, target->share, file->name);
  });
}

// A volume's adoption is recorded in its own info file, under the volume's id (record_adoption
// above); releasing removes that key, so the file can be adopted again.
Status NfsDriver::release_volume(const Call& call, const StringMap& provider_reference,
                                 const std::string& volume_id) noexcept {
  return guarded("nfs: releasing a volume", [&]() -> Status {
    auto target = open_target(call, provider_reference, "volume reference");
    if (!target) return target.error();
    std::string note;
    if (auto st = forget_adoption(*shares_[target->share]->access, call, target->name, target->name, volume_id, note);
        !st) {
      return st;
    }
    if (!note.empty())
      logger_.warn("nfs: released volume " + volume_id + ": " + note);
    else
      logger_.info("nfs: released volume " + volume_id + " ('" + target->name + "' on share '" +
                   share_names_[target->share] + "'); the file is left as it is");
    return Status::success();
  });
}

}  // namespace snapmgr::nfs
