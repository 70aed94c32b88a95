// Endpoints of the manage resources: listings, manage POSTs and the os-unmanage actions.
#include "core/api/body_schemas.hpp"
#include "core/api/endpoints.hpp"
#include "core/api/listing_params.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

bool below_manage_list(const EndpointRequest& r, ApiPath path) {
  return path == ApiPath::V3 && r.version < kManageExistingList;
}

}  // namespace

std::optional<ApiError> Endpoints::authorize(std::string_view policy, const EndpointRequest& r) const {
  if (policy_.allowed(policy, r.identity)) return std::nullopt;
  log().info("policy {} denied user {} project {}", policy, r.identity.user_id, r.identity.project_id);
  return policy_denied(policy);
}

snapmgr::Result<VolumeRecord, ApiError> Endpoints::visible_volume(const std::string& id,
                                                                  const EndpointRequest& r) const {
  auto volume = service_.get_volume(id);
  if (!volume) return to_api_error(volume.error());
  if (!r.identity.is_admin && volume->project_id != r.identity.project_id) {
    return ApiError::not_found("Volume " + id + " could not be found.");
  }
  return std::move(volume).value();
}

snapmgr::Result<SnapshotRecord, ApiError> Endpoints::visible_snapshot(const std::string& id,
                                                                      const EndpointRequest& r) const {
  auto snapshot = service_.get_snapshot(id);
  if (!snapshot) return to_api_error(snapshot.error());
  if (!r.identity.is_admin && snapshot->project_id != r.identity.project_id) {
    return ApiError::not_found("Snapshot " + id + " could not be found.");
  }
  return std::move(snapshot).value();
}

Endpoints::Reply Endpoints::list_manageable_snapshots(const EndpointRequest& r, bool detailed, ApiPath path) const {
  if (below_manage_list(r, path)) return ApiError::not_found();
  if (auto denied = authorize(kListManageableSnapshots, r)) return *denied;
  auto query = parse_listing_query(r.query, r.version, path);
  if (!query) return query.error();
  if (auto relayed = relay_for_target(r, query->host, query->cluster, path)) return std::move(*relayed);
  auto entries = service_.list_manageable_snapshots(*query, r.caller);
  if (!entries) return to_api_error(entries.error(), path);
  return json_response(200, manageable_snapshots_body(*entries, detailed));
}

Endpoints::Reply Endpoints::list_manageable_volumes(const EndpointRequest& r, bool detailed, ApiPath path) const {
  if (below_manage_list(r, path)) return ApiError::not_found();
  if (auto denied = authorize(kListManageableVolumes, r)) return *denied;
  auto query = parse_listing_query(r.query, r.version, path);
  if (!query) return query.error();
  if (auto relayed = relay_for_target(r, query->host, query->cluster, path)) return std::move(*relayed);
  auto entries = service_.list_manageable_volumes(*query, r.caller);
  if (!entries) return to_api_error(entries.error(), path);
  return json_response(200, manageable_volumes_body(*entries, detailed));
}

Endpoints::Reply Endpoints::manage_snapshot(const EndpointRequest& r, ApiPath path) const {
  if (below_manage_list(r, path)) return ApiError::not_found();
  if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
  auto request = parse_manage_snapshot_body(*r.body);
  if (!request) return request.error();
  auto volume = visible_volume(request->volume_id, r);
  if (!volume) return volume.error();
  if (auto denied = authorize(kManageSnapshot, r)) return *denied;
  if (auto relayed = relay_for_backend(r, volume->backend, volume->cluster, path)) return std::move(*relayed);
  auto snapshot = service_.manage_snapshot(*request, r.caller);
  if (!snapshot) return to_api_error(snapshot.error(), path);
  log().info("snapshot {} adopted from {} on volume {} (status {})", snapshot->id, snapshot->backend,
             snapshot->volume_id, snapshot->status);
  return json_response(202, snapshot_manage_reply(*snapshot));
}

Endpoints::Reply Endpoints::manage_volume(const EndpointRequest& r, ApiPath path) const {
  if (below_manage_list(r, path)) return ApiError::not_found();
  if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
  if (auto e = python_compat::validate(manage_volume_schema(), *r.body)) {
    return ApiError::bad_request(e->cinder_message());
  }
  if (auto denied = authorize(kManageVolume, r)) return *denied;
  auto request = parse_manage_volume_body(*r.body, r.version);
  if (!request) return request.error();
  if (auto relayed = relay_for_target(r, request->host, request->cluster, path)) return std::move(*relayed);
  auto volume = service_.manage_volume(*request, r.caller);
  if (!volume) return to_api_error(volume.error(), path);
  log().info("volume {} adopted on {} (status {})", volume->id, volume->backend, volume->status);
  return json_response(202, volume_view(*volume, r.view));
}

Endpoints::Reply Endpoints::snapshot_action(const EndpointRequest& r) const {
  if (r.action != "os-unmanage") return ApiError::bad_request("There is no such action: " + r.action);
  auto snapshot = visible_snapshot(r.route.id, r);
  if (!snapshot) return snapshot.error();
  if (auto denied = authorize(kUnmanageSnapshot, r)) return *denied;
  if (auto relayed = relay_unmanage(r, snapshot->backend)) return std::move(*relayed);
  auto done = service_.unmanage_snapshot(r.route.id, r.caller);
  if (!done) return to_api_error(done.error());
  log().info("snapshot {} is being unmanaged", r.route.id);
  return empty_response(202);
}

Endpoints::Reply Endpoints::volume_action(const EndpointRequest& r) const {
  if (r.action != "os-unmanage") return ApiError::bad_request("There is no such action: " + r.action);
  auto volume = visible_volume(r.route.id, r);
  if (!volume) return volume.error();
  if (auto denied = authorize(kUnmanageVolume, r)) return *denied;
  if (auto relayed = relay_unmanage(r, volume->backend)) return std::move(*relayed);
  auto done = service_.unmanage_volume(r.route.id, r.caller);
  if (!done) return to_api_error(done.error());
  log().info("volume {} is being unmanaged", r.route.id);
  return empty_response(202);
}

}  // namespace snapmgr::core::api
