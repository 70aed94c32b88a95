// The fake driver: an in-memory backend with every capability, for tests, demos and
// benchmarks (the role leveldb's in-memory Env plays). Its objects come from the options (or
// a generator, or a state file), adoption renames them as LVM does, and every operation can be
// made to fail, wait or hang through `faults:` so the host's error paths can be exercised.
//
// Thread-safety: all methods may run concurrently; one mutex guards the inventory. Faults
// (delays, hangs) wait outside the mutex. The destructor wakes hung calls and waits for them.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "fake_inventory.hpp"
#include "fake_options.hpp"
#include "snapmgr/driver_of.hpp"

namespace snapmgr::fake {

class FakeDriver final : public DriverOf<FakeDriver>,
                         public SnapshotDiscovery,
                         public SnapshotAdoption,
                         public SnapshotRelease,
                         public VolumeDiscovery,
                         public VolumeAdoption,
                         public VolumeRelease {
 public:
  static Result<std::unique_ptr<Driver>> create(const DriverContext& context);
  FakeDriver(FakeConfig config, Logger& logger);
  ~FakeDriver() override;

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
  class InFlight;
  // Applies the configured fault of `operation`: wait, hang, or fail.
  Status apply_fault(const std::string& operation, const Call& call);
  // The snapshot a reference names, checked against its expected origin; needs mutex_.
  Result<FakeObject> checked_snapshot(const StringMap& reference, const StringMap& volume_reference) const;
  Result<FakeObject> checked_volume(const StringMap& reference) const;
  Status persist();  // needs mutex_

  Logger& logger_;
  std::map<std::string, Fault> faults_;
  std::string state_file_;

  mutable std::mutex mutex_;
  FakeInventory inventory_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int in_flight_ = 0;
};

}  // namespace snapmgr::fake
