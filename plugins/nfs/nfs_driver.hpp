// The nfs driver: Cinder's qcow2 snapshot layout on NFS shares (or local directories).
//
// Capabilities: snapshot discovery, adoption and release; volume discovery, adoption and release.
// Discovery scans each configured share (share_listing.hpp); adoption records the catalog id in
// the volume's Cinder info file and never renames (adoption_records.hpp); references are file
// names, with the share added when several are configured (file_reference.hpp).
//
// Thread-safety: every method may run concurrently. Each share has its own lock, held for one
// whole listing, inspection, adoption or release on that share, so an info file's
// read-modify-write is never interleaved within this process; a call that cannot get the lock
// before its deadline returns Timeout. Shares are independent: a slow share does not block
// calls on another.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "file_reference.hpp"
#include "naming_scheme.hpp"
#include "nfs_options.hpp"
#include "share_access.hpp"
#include "share_listing.hpp"
#include "snapmgr/driver_of.hpp"

namespace snapmgr::nfs {

class NfsDriver final : public DriverOf<NfsDriver>,
                        public SnapshotDiscovery,
                        public SnapshotAdoption,
                        public SnapshotRelease,
                        public VolumeDiscovery,
                        public VolumeAdoption,
                        public VolumeRelease {
 public:
  static Result<std::unique_ptr<Driver>> create(const DriverContext& context);
  NfsDriver(std::vector<std::unique_ptr<ShareAccess>> shares, NamingScheme naming, Logger& logger);

  Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept override;
  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override;
  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override;
  Status release_snapshot(const Call& call, const StringMap& provider_reference,
                          const std::string& snapshot_id) noexcept override;
  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override;
  Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept override;
  Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                 const std::string& volume_id) noexcept override;
  Status release_volume(const Call& call, const StringMap& provider_reference,
                        const std::string& volume_id) noexcept override;

 private:
  struct Share {
    std::unique_ptr<ShareAccess> access;
    std::timed_mutex mutex;
  };
  using Lock = std::unique_lock<std::timed_mutex>;

  // The share's lock, or Timeout when it is not free before the call's deadline.
  Result<Lock> lock(std::size_t share, const Call& call);
  // Every share's listing, in configuration order. Errors: the first failing share's.
  Result<std::vector<ShareListing>> list_all(const Call& call);
  // The share a parsed reference points to: given, the only one, or the one share holding the
  // name. Errors: InvalidReference (on no share / on several), the shares' errors.
  Result<std::size_t> locate(const Call& call, const FileReference& reference, const StringMap& original,
                             const std::string& what);
  // A reference parsed, its share found and locked: what every inspect/adopt/release starts with.
  struct Target {
    std::string name;   // the file's name in the share
    std::size_t share;  // index into shares_
    Lock held;          // that share's lock
  };
  Result<Target> open_target(const Call& call, const StringMap& reference, const std::string& what);
  // The snapshot `reference` names, checked to be adoptable and to belong to the volume
  // `volume_reference`; the caller holds `share`'s lock.
  Result<ListedFile> checked_snapshot(const Call& call, std::size_t share, const std::string& name,
                                      const StringMap& volume_reference);
  Result<ListedFile> checked_volume(const Call& call, std::size_t share, const std::string& name);

  ManageableSnapshot to_snapshot(std::size_t share, const ListedFile& file) const;
  ManageableVolume to_volume(std::size_t share, const ListedFile& file) const;

  std::vector<std::unique_ptr<Share>> shares_;
  std::vector<std::string> share_names_;
  NamingScheme naming_;
  Logger& logger_;
};

}  // namespace snapmgr::nfs
