// Adoption: synchronous validation (a failure leaves no row and no backend change), insert the
// row `creating` — the job, with the request id and (snapshots) the inspected size — and answer;
// the insert conflicts when another adoption renamed the inspected object meanwhile (the
// reference mark taken before the inspection);
// a worker of a node serving the backend claims it and runs the driver's adopt step →
// `available` or `error`.
#include "core/adoption/catalog_manage_service.hpp"
#include "core/adoption/host_resolution.hpp"
#include "core/adoption/ids.hpp"
#include "core/backends/driver_call.hpp"
#include "core/backends/driver_errors.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/catalog/reference_scope.hpp"
#include "core/catalog/timestamps.hpp"
#include "core/common/echoed.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// Cinder's checks of the parent volume (create_snapshot_in_db with force=True), in its order.
std::optional<ServiceError> volume_state_problem(const VolumeRecord& volume) {
  auto invalid = [](const std::string& reason) { return ServiceError{Fault::BadRequest, "Invalid volume: " + reason}; };
  if (volume.status == "maintenance")
    return invalid("The snapshot cannot be created when the volume is in maintenance mode.");
  if (volume.status == "error") return invalid("The snapshot cannot be created when the volume is in error status.");
  if (volume.status.rfind("replica_", 0) == 0) return invalid("Snapshot of secondary replica is not allowed.");
  if (volume.status != "available" && volume.status != "in-use") {
    return invalid("Volume " + volume.id +
                   " status must be available, in-use, but current status is: " + volume.status + ".");
  }
  return std::nullopt;
}

std::optional<ServiceError> reference_problem(const char* kind, const snapmgr::StringMap& ref) {
  const std::string* name = ref.find("source-name");
  const std::string* id = ref.find("source-id");
  if ((name && !name->empty()) || (id && !id->empty())) return std::nullopt;
  return invalid_reference(kind, ref, "Reference must contain source-name or source-id element.");
}

// The live row that already manages `reference` on `backend` (or on another member of its cluster),
// if any.
ServiceResult<std::optional<std::string>> managing_row(Catalog& catalog, ObjectKind kind, const Backend& backend,
                                                       const snapmgr::StringMap& reference) {
  auto rows = catalog.live_references(kind, reference_scope(backend.key, backend.cluster));
  if (!rows.ok()) return rows.error();
  ManagedIndex index(kind, *rows);
  if (const std::string* id = index.find(reference)) return std::optional<std::string>(*id);
  return std::optional<std::string>{};
}

ServiceError already_managed(const char* kind, const snapmgr::StringMap& reference, const std::string& backend,
                             const std::string& id) {
  return {Fault::Conflict, std::string("Unable to manage existing ") + kind + ". " + kind + " " +
                               echoed(to_canonical_json(reference)) + " on backend " + backend +
                               " is already managed as " + id + "."};
}

}  // namespace

ServiceResult<SnapshotRecord> CatalogManageService::manage_snapshot(const ManageSnapshotRequest& request,
                                                                    const Caller& caller) {
  auto volume = get_volume(request.volume_id);
  if (!volume.ok()) return volume.error();
  auto backend = backend_of_row(backends_, volume->backend, volume->cluster);  // or another member's
  if (!backend.ok()) return backend.error();
  if (auto problem = volume_state_problem(*volume)) return *problem;
  snapmgr::SnapshotAdoption* adoption = (*backend)->snapshot_adoption();
  if (!adoption) {
    return ServiceError{Fault::NotImplemented, "Backend " + (*backend)->key + " (driver " + (*backend)->driver_name +
                                                   ") does not support snapshot adoption."};
  }
  if (auto problem = reference_problem("snapshot", request.ref)) return *problem;

  const std::string what = "inspecting snapshot " + echoed(to_canonical_json(request.ref)) + " on " + (*backend)->key;
  const snapmgr::StringMap volume_reference = volume->provider_reference;
  auto mark = catalog_->reference_mark();  // before the inspection: see Catalog::reference_mark
  if (!mark.ok()) return mark.error();
  auto place = enter_now(**backend);
  if (!place.ok()) return place.error();
  auto inspected = call_with_deadline(new_call(caller.request_id), what, std::move(*place),
                                      [adoption, ref = request.ref, volume_reference](const snapmgr::Call& c) {
                                        return adoption->inspect_snapshot(c, ref, volume_reference);
                                      });
  if (!inspected.ok()) {
    if (inspected.error().code() == snapmgr::ErrorCode::InvalidReference)
      return invalid_reference("snapshot", request.ref, inspected.error().message());
    return driver_fault(inspected.error(), what);
  }
  const snapmgr::StringMap canonical = inspected->reference.empty() ? request.ref : inspected->reference;
  for (const auto* ref : {&canonical, &request.ref}) {
    auto owner = managing_row(*catalog_, ObjectKind::Snapshot, **backend, *ref);
    if (!owner.ok()) return owner.error();
    if (*owner) return already_managed("snapshot", *ref, (*backend)->key, **owner);
  }

  SnapshotRecord row;
  row.id = new_uuid();
  row.volume_id = volume->id;
  row.project_id = caller.project_id;
  row.user_id = caller.user_id;
  row.name = request.name;
  row.description = request.description;
  row.status = "creating";
  row.size_gib = volume->size_gib;  // as Cinder: the volume's size until the adoption completes
  row.backend = volume->backend;    // its job runs on any up member serving it (jobs.cpp)
  row.provider_reference = canonical;
  row.metadata = request.metadata;
  row.created_at = now_timestamp();
  row.job_request_id = caller.request_id;
  row.job_size_gib = round_up_to_gib(inspected->size_bytes);
  row.inspected_after = *mark;
  if (auto st = catalog_->insert_snapshot(row); !st) return st.error();
  log().info("snapshot {} adopting {} on {} (volume {})", row.id, to_canonical_json(canonical), row.backend,
             volume->id);
  jobs_.wake();
  return row;
}

void CatalogManageService::finish_snapshot_adoption(const SnapshotRecord& row,
                                                    const snapmgr::StringMap& volume_reference, std::int64_t size_gib,
                                                    const std::string& request_id) {
  RequestIdScope scope(request_id);
  try {
    auto backend = backend_of_row(backends_, row.backend);
    if (!backend.ok()) return mark_snapshot_error(row.id, backend.error().message);
    snapmgr::SnapshotAdoption* adoption = (*backend)->snapshot_adoption();
    const std::string what = "adopting snapshot " + to_canonical_json(row.provider_reference) + " on " + row.backend;
    auto place = enter_within(**backend, call_timeout_);
    if (!place.ok()) return mark_snapshot_error(row.id, what + ": " + place.error().message);
    auto adopted = call_with_deadline(
        new_call(request_id), what, std::move(*place),
        [adoption, ref = row.provider_reference, volume_reference, id = row.id](const snapmgr::Call& c) {
          return adoption->adopt_snapshot(c, ref, volume_reference, id);
        });
    if (!adopted.ok()) return mark_snapshot_error(row.id, what + ": " + adopted.error().message());
    RowUpdate done;
    done.expected_status = {"creating"};
    done.status = "available";
    done.size_gib = size_gib;
    if (!adopted->empty()) done.provider_reference = *adopted;
    auto applied = catalog_->update_snapshot(row.id, done);
    if (!applied.ok()) return mark_snapshot_error(row.id, applied.error().message);
    if (!*applied) {
      log().warn("snapshot {} was adopted as {} but its row is no longer 'creating'", row.id,
                 to_canonical_json(*adopted));
      return;
    }
    log().info("snapshot {} available: {} GiB, provider reference {}", row.id, size_gib, to_canonical_json(*adopted));
  } catch (const std::exception& e) {
    mark_snapshot_error(row.id, std::string("unexpected failure: ") + e.what());
  }
}

void CatalogManageService::mark_snapshot_error(const std::string& id, const std::string& reason) {
  RowUpdate failed;
  failed.expected_status = {"creating"};
  failed.status = "error";
  auto st = catalog_->update_snapshot(id, failed);
  log().error("snapshot {} adoption failed: {}{}", id, reason,
              st.ok() ? "" : " (and marking it failed: " + st.error().message + ")");
}

ServiceResult<VolumeRecord> CatalogManageService::manage_volume(const ManageVolumeRequest& request,
                                                                const Caller& caller) {
  auto backend = resolve_one_backend(backends_, request.host, request.cluster);
  if (!backend.ok()) return backend.error();
  snapmgr::VolumeAdoption* adoption = (*backend)->volume_adoption();
  if (!adoption) {
    return ServiceError{Fault::NotImplemented, "Backend " + (*backend)->key + " (driver " + (*backend)->driver_name +
                                                   ") does not support volume adoption."};
  }
  if (auto problem = reference_problem("volume", request.ref)) return *problem;
  const std::string what = "inspecting volume " + echoed(to_canonical_json(request.ref)) + " on " + (*backend)->key;
  auto mark = catalog_->reference_mark();  // before the inspection: see Catalog::reference_mark
  if (!mark.ok()) return mark.error();
  auto place = enter_now(**backend);
  if (!place.ok()) return place.error();
  auto inspected = call_with_deadline(
      new_call(caller.request_id), what, std::move(*place),
      [adoption, ref = request.ref](const snapmgr::Call& c) { return adoption->inspect_volume(c, ref); });
  if (!inspected.ok()) {
    if (inspected.error().code() == snapmgr::ErrorCode::InvalidReference)
      return invalid_reference("volume", request.ref, inspected.error().message());
    return driver_fault(inspected.error(), what);
  }
  const snapmgr::StringMap canonical = inspected->reference.empty() ? request.ref : inspected->reference;
  for (const auto* ref : {&canonical, &request.ref}) {
    auto owner = managing_row(*catalog_, ObjectKind::Volume, **backend, *ref);
    if (!owner.ok()) return owner.error();
    if (*owner) return already_managed("volume", *ref, (*backend)->key, **owner);
  }
  VolumeRecord row;
  row.id = new_uuid();
  row.project_id = caller.project_id;
  row.user_id = caller.user_id;
  row.name = request.name;
  row.description = request.description;
  row.status = "creating";
  row.size_gib = round_up_to_gib(inspected->size_bytes);
  row.backend = (*backend)->key;
  row.pool = (*backend)->pool;
  row.cluster = (*backend)->cluster;
  if (request.availability_zone) row.availability_zone = *request.availability_zone;
  row.volume_type = request.volume_type;
  row.bootable = request.bootable;
  row.provider_reference = canonical;
  row.metadata = request.metadata;
  row.created_at = now_timestamp();
  row.job_request_id = caller.request_id;
  row.inspected_after = *mark;
  if (auto st = catalog_->insert_volume(row); !st) return st.error();
  log().info("volume {} adopting {} on {}", row.id, to_canonical_json(canonical), row.backend);
  jobs_.wake();
  return row;
}

void CatalogManageService::finish_volume_adoption(const VolumeRecord& row, const std::string& request_id) {
  RequestIdScope scope(request_id);
  try {
    auto backend = backend_of_row(backends_, row.backend);
    if (!backend.ok()) return mark_volume_error(row.id, backend.error().message);
    snapmgr::VolumeAdoption* adoption = (*backend)->volume_adoption();
    const std::string what = "adopting volume " + to_canonical_json(row.provider_reference) + " on " + row.backend;
    auto place = enter_within(**backend, call_timeout_);
    if (!place.ok()) return mark_volume_error(row.id, what + ": " + place.error().message);
    auto adopted = call_with_deadline(new_call(request_id), what, std::move(*place),
                                      [adoption, ref = row.provider_reference, id = row.id](const snapmgr::Call& c) {
                                        return adoption->adopt_volume(c, ref, id);
                                      });
    if (!adopted.ok()) return mark_volume_error(row.id, what + ": " + adopted.error().message());
    RowUpdate done;
    done.expected_status = {"creating"};
    done.status = "available";
    if (!adopted->empty()) done.provider_reference = *adopted;
    auto applied = catalog_->update_volume(row.id, done);
    if (!applied.ok()) return mark_volume_error(row.id, applied.error().message);
    if (*applied) log().info("volume {} available, provider reference {}", row.id, to_canonical_json(*adopted));
  } catch (const std::exception& e) {
    mark_volume_error(row.id, std::string("unexpected failure: ") + e.what());
  }
}

void CatalogManageService::mark_volume_error(const std::string& id, const std::string& reason) {
  RowUpdate failed;
  failed.expected_status = {"creating"};
  failed.status = "error";
  auto st = catalog_->update_volume(id, failed);
  log().error("volume {} adoption failed: {}{}", id, reason,
              st.ok() ? "" : " (and marking it failed: " + st.error().message + ")");
}

}  // namespace snapmgr::core
