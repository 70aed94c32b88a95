// A driver that runs in a worker process (worker_process.hpp), seen from the host: it implements
// the SDK's capability interfaces by calling the worker, so the service layer, the API and the
// conformance kit use it exactly as an in-process driver. It provides the capabilities the
// plugin's descriptor declares (the worker checked the driver provides exactly those).
//
// Ownership: owns its WorkerProcess. Thread-safety: as any driver, every method may run
// concurrently.
#pragma once

#include <cstdint>
#include <memory>

#include "host/isolation/worker_process.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr::core {

class WorkerDriver final : public snapmgr::Driver,
                           public snapmgr::SnapshotDiscovery,
                           public snapmgr::SnapshotAdoption,
                           public snapmgr::SnapshotRelease,
                           public snapmgr::VolumeDiscovery,
                           public snapmgr::VolumeAdoption,
                           public snapmgr::VolumeRelease {
 public:
  WorkerDriver(std::unique_ptr<WorkerProcess> worker, std::uint32_t capabilities);

  const WorkerProcess& worker() const { return *worker_; }

  snapmgr::SnapshotDiscovery* snapshot_discovery() noexcept override;
  snapmgr::SnapshotAdoption* snapshot_adoption() noexcept override;
  snapmgr::SnapshotRelease* snapshot_release() noexcept override;
  snapmgr::VolumeDiscovery* volume_discovery() noexcept override;
  snapmgr::VolumeAdoption* volume_adoption() noexcept override;
  snapmgr::VolumeRelease* volume_release() noexcept override;

  snapmgr::Status stream_snapshots(const snapmgr::Call& call, snapmgr::SnapshotSink& out) noexcept override;
  snapmgr::Result<snapmgr::ManageableSnapshot> inspect_snapshot(
      const snapmgr::Call& call, const snapmgr::StringMap& reference,
      const snapmgr::StringMap& volume_reference) noexcept override;
  snapmgr::Result<snapmgr::StringMap> adopt_snapshot(const snapmgr::Call& call, const snapmgr::StringMap& reference,
                                                     const snapmgr::StringMap& volume_reference,
                                                     const std::string& snapshot_id) noexcept override;
  snapmgr::Status release_snapshot(const snapmgr::Call& call, const snapmgr::StringMap& provider_reference,
                                   const std::string& snapshot_id) noexcept override;
  snapmgr::Status stream_volumes(const snapmgr::Call& call, snapmgr::VolumeSink& out) noexcept override;
  snapmgr::Result<snapmgr::ManageableVolume> inspect_volume(const snapmgr::Call& call,
                                                            const snapmgr::StringMap& reference) noexcept override;
  snapmgr::Result<snapmgr::StringMap> adopt_volume(const snapmgr::Call& call, const snapmgr::StringMap& reference,
                                                   const std::string& volume_id) noexcept override;
  snapmgr::Status release_volume(const snapmgr::Call& call, const snapmgr::StringMap& provider_reference,
                                 const std::string& volume_id) noexcept override;

 private:
  template <class Interface>
  Interface* if_declared(snapmgr::Capability c) noexcept {
    return snapmgr::has(capabilities_, c) ? static_cast<Interface*>(this) : nullptr;
  }
  snapmgr::Result<worker::Reply> call(worker::Operation op, const snapmgr::Call& call,
                                      const snapmgr::StringMap& reference, const snapmgr::StringMap& volume_reference,
                                      const std::string& object_id,
                                      const WorkerProcess::BatchHandler& on_batch = {}) noexcept;

  std::unique_ptr<WorkerProcess> worker_;
  const std::uint32_t capabilities_;
};

}  // namespace snapmgr::core
