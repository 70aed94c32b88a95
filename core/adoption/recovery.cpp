// Start-up recovery: rows a previous process left `creating` or `unmanaging` (it was killed
// between the 202 and the end of the background step) are finished now, or set to `error` with
// a logged reason. Adoption is finished by repeating the driver's adopt call, which the SDK
// requires to be idempotent for an object already adopted under the same id.
#include "core/adoption/catalog_manage_service.hpp"
#include "core/adoption/host_resolution.hpp"
#include "core/backends/driver_call.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {

void CatalogManageService::recover() {
  RowQuery interrupted;
  interrupted.statuses = {"creating", "unmanaging"};
  auto volumes = catalog_->find_volumes(interrupted);
  auto snapshots = catalog_->find_snapshots(interrupted);
  if (!volumes.ok() || !snapshots.ok()) {
    log().error("recovery: cannot read the catalog: {}", (!volumes.ok() ? volumes.error() : snapshots.error()).message);
    return;
  }
  // Volumes first: a snapshot's adoption needs its volume's final provider reference.
  for (const auto& v : *volumes) {
    log().warn("recovery: volume {} was left '{}' by a previous process", v.id, v.status);
    if (v.status == "creating")
      recover_volume_adoption(v);
    else
      finish_volume_unmanage(v, "recovery");
  }
  for (const auto& s : *snapshots) {
    log().warn("recovery: snapshot {} was left '{}' by a previous process", s.id, s.status);
    if (s.status == "creating")
      recover_snapshot_adoption(s);
    else
      finish_snapshot_unmanage(s, "recovery");
  }
}

void CatalogManageService::recover_volume_adoption(const VolumeRecord& row) { finish_volume_adoption(row, "recovery"); }

void CatalogManageService::recover_snapshot_adoption(const SnapshotRecord& row) {
  RequestIdScope scope("recovery");
  auto volume = catalog_->find_volume(row.volume_id);
  if (!volume.ok() || !*volume)
    return mark_snapshot_error(row.id, "interrupted adoption: its volume " + row.volume_id + " is gone");
  if ((*volume)->status != "available" && (*volume)->status != "in-use") {
    return mark_snapshot_error(row.id, "interrupted adoption: its volume is " + (*volume)->status);
  }
  auto backend = backend_of_row(backends_, row.backend);
  if (!backend.ok()) return mark_snapshot_error(row.id, "interrupted adoption: " + backend.error().message);
  snapmgr::SnapshotAdoption* adoption = (*backend)->snapshot_adoption();
  if (!adoption) return mark_snapshot_error(row.id, "interrupted adoption: the driver no longer adopts snapshots");
  const snapmgr::StringMap volume_reference = (*volume)->provider_reference;
  const std::string what = "completing the adoption of snapshot " + row.id + " on " + row.backend;
  auto place = enter_within(**backend, call_timeout_);
  if (!place.ok()) return mark_snapshot_error(row.id, what + ": " + place.error().message);
  auto adopted = call_with_deadline(
      new_call("recovery"), what, std::move(*place),
      [adoption, ref = row.provider_reference, volume_reference, id = row.id](const snapmgr::Call& c) {
        return adoption->adopt_snapshot(c, ref, volume_reference, id);
      });
  if (!adopted.ok()) return mark_snapshot_error(row.id, what + ": " + adopted.error().message());
  const snapmgr::StringMap reference = adopted->empty() ? row.provider_reference : *adopted;
  place = enter_within(**backend, call_timeout_);
  if (!place.ok()) return mark_snapshot_error(row.id, what + ": " + place.error().message);
  auto inspected = call_with_deadline(new_call("recovery"), what, std::move(*place),
                                      [adoption, reference, volume_reference](const snapmgr::Call& c) {
                                        return adoption->inspect_snapshot(c, reference, volume_reference);
                                      });
  if (!inspected.ok()) return mark_snapshot_error(row.id, what + ": " + inspected.error().message());
  RowUpdate done;
  done.expected_status = {"creating"};
  done.status = "available";
  done.size_gib = round_up_to_gib(inspected->size_bytes);
  done.provider_reference = reference;
  auto applied = catalog_->update_snapshot(row.id, done);
  if (!applied.ok()) return mark_snapshot_error(row.id, applied.error().message);
  log().info("recovery: snapshot {} adoption completed, provider reference {}", row.id, to_canonical_json(reference));
}

}  // namespace snapmgr::core
