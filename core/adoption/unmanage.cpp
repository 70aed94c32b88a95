// Unmanage: `available`/`error` → `unmanaging` (conditional, so concurrent unmanages and
// adoptions cannot both win; the `unmanaging` row is the job), answer, then on a worker of a node
// serving the backend the driver's release capability (if the driver has one: SnapshotRelease,
// VolumeRelease) and a soft delete. A failed release leaves the
// row in `error`. The backend object is never deleted or modified by snapmgr.
#include "core/adoption/catalog_manage_service.hpp"
#include "core/adoption/host_resolution.hpp"
#include "core/backends/driver_call.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// The worker half of an unmanage, for either kind: the driver's release when it has one (a
// place in the backend's bulkhead, then the call under its deadline), then the soft delete. A
// failed release leaves the row in `error`. `release(call)` calls the driver with owned copies;
// `update(RowUpdate)` writes the row.
template <class Release, class Update>
void release_and_forget(const char* kind, const std::string& id, const std::string& backend_name,
                        const Backend* backend, bool has_release, std::chrono::seconds call_timeout,
                        const snapmgr::Call& call, Release release, Update update) {
  if (has_release) {
    const std::string what = std::string("releasing ") + kind + " " + id + " on " + backend_name;
    auto place = enter_within(*backend, call_timeout);
    snapmgr::Status released = place.ok() ? call_with_deadline(call, what, std::move(*place), std::move(release))
                                          : snapmgr::Status(snapmgr::Error::backend(place.error().message));
    if (!released.ok()) {
      RowUpdate failed;
      failed.expected_status = {"unmanaging"};
      failed.status = "error";
      (void)update(failed);
      log().error("{} {} unmanage failed, status error: {}: {}", kind, id, what, released.error().message());
      return;
    }
  }
  RowUpdate remove;
  remove.expected_status = {"unmanaging"};
  remove.soft_delete = true;
  auto st = update(remove);
  if (!st.ok())
    log().error("{} {} unmanage: {}", kind, id, st.error().message);
  else
    log().info("{} {} unmanaged", kind, id);
}

}  // namespace

ServiceStatus CatalogManageService::unmanage_snapshot(const std::string& snapshot_id, const Caller& caller) {
  auto row = get_snapshot(snapshot_id);
  if (!row.ok()) return row.error();
  // A driver that must be told (release) needs its backend up; the others never touch it.
  const Backend* backend = backends_.find(row->backend);
  if (backend && backend->descriptor && declares(*backend->descriptor, snapmgr::Capability::SnapshotRelease) &&
      !backend->up()) {
    return ServiceError{Fault::BadRequest, kServiceUnavailable};
  }
  RowUpdate start;
  start.expected_status = {"available", "error"};
  start.status = "unmanaging";
  start.job_request_id = caller.request_id;
  auto applied = catalog_->update_snapshot(snapshot_id, start);
  if (!applied.ok()) return applied.error();
  if (!*applied) {
    return ServiceError{
        Fault::BadRequest,
        "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."};
  }
  log().info("snapshot {} unmanaging (backend object {} is left in place)", snapshot_id,
             to_canonical_json(row->provider_reference));
  jobs_.wake();
  return Done{};
}

void CatalogManageService::finish_snapshot_unmanage(const SnapshotRecord& row, const std::string& request_id) {
  RequestIdScope scope(request_id);
  const Backend* backend = backends_.find(row.backend);
  snapmgr::SnapshotRelease* release = backend ? backend->snapshot_release() : nullptr;
  release_and_forget(
      "snapshot", row.id, row.backend, backend, release != nullptr, call_timeout_, new_call(request_id),
      [release, ref = row.provider_reference, id = row.id](const snapmgr::Call& c) {
        return release->release_snapshot(c, ref, id);
      },
      [this, id = row.id](const RowUpdate& u) { return catalog_->update_snapshot(id, u); });
}

ServiceStatus CatalogManageService::unmanage_volume(const std::string& volume_id, const Caller& caller) {
  auto row = get_volume(volume_id);
  if (!row.ok()) return row.error();
  // As for snapshots: a driver that must be told (release) needs its backend up.
  const Backend* backend = backends_.find(row->backend);
  if (backend && backend->descriptor && declares(*backend->descriptor, snapmgr::Capability::VolumeRelease) &&
      !backend->up()) {
    return ServiceError{Fault::BadRequest, kServiceUnavailable};
  }
  const ServiceError invalid{
      Fault::BadRequest,
      "Invalid volume: Volume status must be available or error or error_restoring or "
      "error_extending or error_managing and must not be migrating, attached, belong to a group, "
      "have snapshots or be disassociated from snapshots after volume transfer."};
  RowUpdate start;
  start.expected_status = {"available", "error"};
  start.status = "unmanaging";
  start.require_no_live_snapshots = true;
  start.job_request_id = caller.request_id;
  auto applied = catalog_->update_volume(volume_id, start);
  if (!applied.ok()) return applied.error();
  if (!*applied) return invalid;
  log().info("volume {} unmanaging (backend object {} is left in place)", volume_id,
             to_canonical_json(row->provider_reference));
  jobs_.wake();
  return Done{};
}

void CatalogManageService::finish_volume_unmanage(const VolumeRecord& row, const std::string& request_id) {
  RequestIdScope scope(request_id);
  const Backend* backend = backends_.find(row.backend);
  snapmgr::VolumeRelease* release = backend ? backend->volume_release() : nullptr;
  release_and_forget(
      "volume", row.id, row.backend, backend, release != nullptr, call_timeout_, new_call(request_id),
      [release, ref = row.provider_reference, id = row.id](const snapmgr::Call& c) {
        return release->release_volume(c, ref, id);
      },
      [this, id = row.id](const RowUpdate& u) { return catalog_->update_volume(id, u); });
}

}  // namespace snapmgr::core
