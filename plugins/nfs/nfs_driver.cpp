#include "nfs_driver.hpp"

#include <algorithm>

#include "file_names.hpp"
#include "libnfs_share.hpp"
#include "local_share.hpp"
#include "qcow2_header.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::nfs {

Result<std::unique_ptr<Driver>> NfsDriver::create(const DriverContext& context) {
  return guarded("nfs: initialisation", [&]() -> Result<std::unique_ptr<Driver>> {
    auto config = parse_nfs_options(context.options);
    if (!config) return config.error();
    auto naming = NamingScheme::create(config->volume_name_template, config->snapshot_name_template);
    if (!naming) return naming.error();
    std::vector<std::unique_ptr<ShareAccess>> shares;
    for (const auto& spec : config->shares) {
      if (spec.is_nfs) {
        shares.push_back(std::make_unique<LibnfsShare>(
            spec.text, NfsEndpoint{spec.server, spec.export_path, config->nfs_version, config->nfs_port},
            config->command_timeout));
      } else {
        shares.push_back(std::make_unique<LocalShare>(spec.text, spec.directory));
      }
      context.logger.info(
          "nfs: share '" + spec.text + "' " +
          (spec.is_nfs ? "over NFSv" + std::to_string(config->nfs_version) : "in directory " + spec.directory));
    }
    return std::unique_ptr<Driver>(std::make_unique<NfsDriver>(std::move(shares), std::move(*naming), context.logger));
  });
}

NfsDriver::NfsDriver(std::vector<std::unique_ptr<ShareAccess>> shares, NamingScheme naming, Logger& logger)
    : naming_(std::move(naming)), logger_(logger) {
  for (auto& access : shares) {
    share_names_.push_back(access->name());
    auto share = std::make_unique<Share>();
    share->access = std::move(access);
    shares_.push_back(std::move(share));
  }
}

Result<NfsDriver::Lock> NfsDriver::lock(std::size_t share, const Call& call) {
  Lock held(shares_[share]->mutex, std::defer_lock);
  if (!held.try_lock_until(call.deadline)) {
    return Error::timeout("share '" + share_names_[share] + "' was busy with another call until the call's deadline");
  }
  return held;
}

Result<std::vector<ShareListing>> NfsDriver::list_all(const Call& call) {
  std::vector<ShareListing> listings;
  for (std::size_t i = 0; i < shares_.size(); ++i) {
    auto held = lock(i, call);
    if (!held) return held.error();
    auto listing = list_share(*shares_[i]->access, call, naming_);
    if (!listing) return listing.error();
    listings.push_back(std::move(*listing));
  }
  return listings;
}

Result<std::size_t> NfsDriver::locate(const Call& call, const FileReference& reference, const StringMap& original,
                                      const std::string& what) {
  if (reference.share) return *reference.share;
  std::vector<std::size_t> holders;
  for (std::size_t i = 0; i < shares_.size(); ++i) {
    auto held = lock(i, call);
    if (!held) return held.error();
    auto entry = shares_[i]->access->stat(call, reference.name);
    if (!entry && entry.error().code() != ErrorCode::NotFound) return entry.error();
    if (entry && entry->regular) holders.push_back(i);
  }
  if (holders.size() == 1) return holders.front();
  std::string names;
  for (std::size_t i = 0; i < shares_.size(); ++i) {
    if (holders.empty() || std::find(holders.begin(), holders.end(), i) != holders.end()) {
      names += (names.empty() ? "" : ", ") + share_names_[i];
    }
  }
  if (holders.empty()) {
    return Error::invalid_reference(what + " " + describe(original) + ": no share holds a file '" +
                                    printable(reference.name) + "' (shares: " + names + ")");
  }
  return Error::invalid_reference(what + " " + describe(original) + ": '" + printable(reference.name) +
                                  "' exists on several shares (" + names + "); add \"share\" to the reference");
}

ManageableSnapshot NfsDriver::to_snapshot(std::size_t share, const ListedFile& file) const {
  ManageableSnapshot record;
  record.reference = make_file_reference(share_names_, share, file.name);
  record.size_bytes = file.analysis.size;
  if (file.analysis.base) record.source_reference = make_file_reference(share_names_, share, *file.analysis.base);
  record.in_use = file.in_use;
  record.reason = file.reason;
  record.extra_info.set("share", share_names_[share]);
  record.extra_info.set("format", file.format);
  // Backing names are at most 1023 bytes; only unprintable bytes are escaped.
  if (file.backing_file) record.extra_info.set("backing_file", printable(*file.backing_file, kMaxBackingFileNameBytes));
  return record;
}

ManageableVolume NfsDriver::to_volume(std::size_t share, const ListedFile& file) const {
  ManageableVolume record;
  record.reference = make_file_reference(share_names_, share, file.name);
  record.size_bytes = file.analysis.size;
  record.in_use = file.in_use;
  record.reason = file.reason;
  record.extra_info.set("share", share_names_[share]);
  record.extra_info.set("format", file.format);
  return record;
}

Status NfsDriver::stream_snapshots(const Call& call, SnapshotSink& out) noexcept {
  return guarded("nfs: listing snapshots", [&]() -> Status {
    auto listings = list_all(call);
    if (!listings) return listings.error();
    for (std::size_t i = 0; i < listings->size(); ++i) {
      for (const auto& file : (*listings)[i].snapshots) out.add(to_snapshot(i, file));
    }
    return Status::success();
  });
}

Status NfsDriver::stream_volumes(const Call& call, VolumeSink& out) noexcept {
  return guarded("nfs: listing volumes", [&]() -> Status {
    auto listings = list_all(call);
    if (!listings) return listings.error();
    for (std::size_t i = 0; i < listings->size(); ++i) {
      for (const auto& file : (*listings)[i].volumes) out.add(to_volume(i, file));
    }
    return Status::success();
  });
}

}  // namespace snapmgr::nfs
