#include "host/isolation/worker_driver.hpp"

namespace snapmgr::core {

using snapmgr::Capability;

WorkerDriver::WorkerDriver(std::unique_ptr<WorkerProcess> worker, std::uint32_t capabilities)
    : worker_(std::move(worker)), capabilities_(capabilities) {}

snapmgr::SnapshotDiscovery* WorkerDriver::snapshot_discovery() noexcept {
  return if_declared<snapmgr::SnapshotDiscovery>(Capability::SnapshotDiscovery);
}
snapmgr::SnapshotAdoption* WorkerDriver::snapshot_adoption() noexcept {
  return if_declared<snapmgr::SnapshotAdoption>(Capability::SnapshotAdoption);
}
snapmgr::SnapshotRelease* WorkerDriver::snapshot_release() noexcept {
  return if_declared<snapmgr::SnapshotRelease>(Capability::SnapshotRelease);
}
snapmgr::VolumeDiscovery* WorkerDriver::volume_discovery() noexcept {
  return if_declared<snapmgr::VolumeDiscovery>(Capability::VolumeDiscovery);
}
snapmgr::VolumeAdoption* WorkerDriver::volume_adoption() noexcept {
  return if_declared<snapmgr::VolumeAdoption>(Capability::VolumeAdoption);
}
snapmgr::VolumeRelease* WorkerDriver::volume_release() noexcept {
  return if_declared<snapmgr::VolumeRelease>(Capability::VolumeRelease);
}

snapmgr::Result<worker::Reply> WorkerDriver::call(worker::Operation op, const snapmgr::Call& call,
                                                  const snapmgr::StringMap& reference,
                                                  const snapmgr::StringMap& volume_reference,
                                                  const std::string& object_id,
                                                  const WorkerProcess::BatchHandler& on_batch) noexcept {
  try {
    worker::Request request;
    request.set_operation(op);
    wire::put(reference, *request.mutable_reference());
    wire::put(volume_reference, *request.mutable_volume_reference());
    request.set_object_id(object_id);
    auto reply = worker_->call(std::move(request), call, on_batch);
    if (!reply.ok()) return reply.error();
    if (reply->has_error()) return wire::get(reply->error());
    return reply;
  } catch (const std::exception& e) {  // out of memory
    return snapmgr::Error::backend(std::string("calling the driver's worker failed: ") + e.what());
  }
}

snapmgr::Status WorkerDriver::stream_snapshots(const snapmgr::Call& c, snapmgr::SnapshotSink& out) noexcept {
  auto reply = call(worker::STREAM_SNAPSHOTS, c, {}, {}, "", [&out](WorkerProcess::Records& batch) {
    for (auto& record : std::get<std::vector<snapmgr::ManageableSnapshot>>(batch)) out.add(std::move(record));
  });
  if (!reply.ok()) return reply.error();
  return snapmgr::Status::success();
}

snapmgr::Result<snapmgr::ManageableSnapshot> WorkerDriver::inspect_snapshot(
    const snapmgr::Call& c, const snapmgr::StringMap& reference, const snapmgr::StringMap& volume_reference) noexcept {
  auto reply = call(worker::INSPECT_SNAPSHOT, c, reference, volume_reference, "");
  if (!reply.ok()) return reply.error();
  return wire::snapshot_of(reply->record());
}

snapmgr::Result<snapmgr::StringMap> WorkerDriver::adopt_snapshot(const snapmgr::Call& c,
                                                                 const snapmgr::StringMap& reference,
                                                                 const snapmgr::StringMap& volume_reference,
                                                                 const std::string& snapshot_id) noexcept {
  auto reply = call(worker::ADOPT_SNAPSHOT, c, reference, volume_reference, snapshot_id);
  if (!reply.ok()) return reply.error();
  return wire::get(reply->provider_reference());
}

snapmgr::Status WorkerDriver::release_snapshot(const snapmgr::Call& c, const snapmgr::StringMap& provider_reference,
                                               const std::string& snapshot_id) noexcept {
  auto reply = call(worker::RELEASE_SNAPSHOT, c, provider_reference, {}, snapshot_id);
  if (!reply.ok()) return reply.error();
  return snapmgr::Status::success();
}

snapmgr::Status WorkerDriver::stream_volumes(const snapmgr::Call& c, snapmgr::VolumeSink& out) noexcept {
  auto reply = call(worker::STREAM_VOLUMES, c, {}, {}, "", [&out](WorkerProcess::Records& batch) {
    for (auto& record : std::get<std::vector<snapmgr::ManageableVolume>>(batch)) out.add(std::move(record));
  });
  if (!reply.ok()) return reply.error();
  return snapmgr::Status::success();
}

snapmgr::Result<snapmgr::ManageableVolume> WorkerDriver::inspect_volume(const snapmgr::Call& c,
                                                                        const snapmgr::StringMap& reference) noexcept {
  auto reply = call(worker::INSPECT_VOLUME, c, reference, {}, "");
  if (!reply.ok()) return reply.error();
  return wire::volume_of(reply->record());
}

snapmgr::Result<snapmgr::StringMap> WorkerDriver::adopt_volume(const snapmgr::Call& c,
                                                               const snapmgr::StringMap& reference,
                                                               const std::string& volume_id) noexcept {
  auto reply = call(worker::ADOPT_VOLUME, c, reference, {}, volume_id);
  if (!reply.ok()) return reply.error();
  return wire::get(reply->provider_reference());
}

snapmgr::Status WorkerDriver::release_volume(const snapmgr::Call& c, const snapmgr::StringMap& provider_reference,
                                             const std::string& volume_id) noexcept {
  auto reply = call(worker::RELEASE_VOLUME, c, provider_reference, {}, volume_id);
  if (!reply.ok()) return reply.error();
  return snapmgr::Status::success();
}

}  // namespace snapmgr::core
