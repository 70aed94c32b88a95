// Endpoints of the */metadata resources of volumes and snapshots: catalog only, with Cinder
// 2023.1's order of checks (cinder/api/v3/snapshot_metadata.py, cinder/api/v2/volume_metadata.py,
// cinder/volume/api.py), its policies and its answers:
//
//   GET    …/metadata          row visible (404) → get policy → 200 {"metadata": {...}}
//   POST   …/metadata          body → row → update (snapshots) / create (volumes) policy → merge
//                              → 200 {"metadata": <all keys after the write>}
//   PUT    …/metadata          the same with the update policy, replacing every key
//   GET    …/metadata/{key}    row → get policy → key (404 "<Kind> <id> has no metadata with key
//                              <key>.") → 200 {"meta": {key: value}}
//   PUT    …/metadata/{key}    body → row → update policy → 200 {"meta": <the body's element>}
//   DELETE …/metadata/{key}    row → get policy → key (404) → delete policy → 200, empty body
#include <functional>

#include "core/api/endpoints.hpp"
#include "core/api/metadata_bodies.hpp"

namespace snapmgr::core::api {
namespace {

using Reply = snapmgr::Result<HttpResponse, ApiError>;

// webob's HTTPRequestEntityTooLarge raised by the controller carries no Retry-After, so Cinder's
// fault has no "retryAfter" (unlike the transport's 413).
Reply problem_reply(const MetadataProblem& problem) {
  if (problem.status != 413) return problem;
  boost::json::object inner{{"code", 413}, {"message", problem.message}};
  return json_response(413, boost::json::object{{std::string(fault_name(413)), std::move(inner)}});
}

ApiError key_not_found(ObjectKind kind, const std::string& id, const std::string& key) {
  return ApiError::not_found((kind == ObjectKind::Volume ? "Volume " : "Snapshot ") + id +
                             " has no metadata with key " + key + ".");
}

MetadataBody body_kind(const EndpointRequest& r) {
  const bool item =
      r.route.resource == Resource::VolumeMetadataItem || r.route.resource == Resource::SnapshotMetadataItem;
  return item ? MetadataBody::Item : MetadataBody::Collection;
}

// The policies of one kind, by operation.
struct MetadataPolicies {
  std::string_view get, create, update, remove;
};
constexpr MetadataPolicies kVolumePolicies{kGetVolumeMetadata, kCreateVolumeMetadata, kUpdateVolumeMetadata,
                                           kDeleteVolumeMetadata};
// Cinder's snapshot controller has no create policy: POST merges under the update policy.
constexpr MetadataPolicies kSnapshotPolicies{kGetSnapshotMetadata, kUpdateSnapshotMetadata, kUpdateSnapshotMetadata,
                                             kDeleteSnapshotMetadata};

// The steps both kinds share once the row is visible: reads and delete, the write's policy, and
// the write itself.
class MetadataCall {
 public:
  using Authorize = std::function<std::optional<ApiError>(std::string_view policy)>;

  MetadataCall(const EndpointRequest& r, ObjectKind kind, const Metadata& current, const MetadataPolicies& policies,
               Authorize authorize, ManageService& service)
      : r_(r),
        kind_(kind),
        current_(current),
        policies_(policies),
        authorize_(std::move(authorize)),
        service_(service) {}

  bool replaces() const { return r_.method == "PUT" && body_kind(r_) == MetadataBody::Collection; }

  // GET and DELETE: the get policy, then the key, then (DELETE) the delete policy.
  Reply read_or_delete() const {
    if (auto denied = authorize_(policies_.get)) return *denied;
    const bool collection = body_kind(r_) == MetadataBody::Collection;
    if (collection && r_.method == "GET") return json_response(200, {{"metadata", metadata_json(current_)}});
    auto it = current_.find(r_.route.key);
    if (it == current_.end()) return key_not_found(kind_, r_.route.id, r_.route.key);
    if (r_.method == "GET") return json_response(200, {{"meta", {{it->first, it->second}}}});
    if (auto denied = authorize_(policies_.remove)) return *denied;
    auto done = service_.delete_metadata_key(kind_, r_.route.id, r_.route.key);
    if (!done) return to_api_error(done.error());
    return empty_response(200);
  }

  std::optional<ApiError> authorize_write() const {
    return authorize_(r_.method == "POST" ? policies_.create : policies_.update);
  }

  Reply write() const {
    const auto& given = metadata_element(*r_.body, body_kind(r_));
    auto written = service_.update_metadata(kind_, r_.route.id, to_metadata(given), replaces());
    if (!written) return to_api_error(written.error());
    if (body_kind(r_) == MetadataBody::Item) return json_response(200, {{"meta", given}});
    return json_response(200, {{"metadata", metadata_json(*written)}});
  }

 private:
  const EndpointRequest& r_;
  ObjectKind kind_;
  const Metadata& current_;
  const MetadataPolicies& policies_;
  Authorize authorize_;
  ManageService& service_;
};

bool is_write(const EndpointRequest& r) { return r.method == "POST" || r.method == "PUT"; }

}  // namespace

Endpoints::Reply Endpoints::snapshot_metadata(const EndpointRequest& r) const {
  if (is_write(r)) {  // the body is checked before the snapshot is looked up
    if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
    if (auto p = check_snapshot_metadata_body(*r.body, body_kind(r), r.route.key)) return problem_reply(*p);
  }
  auto snapshot = visible_snapshot(r.route.id, r);
  if (!snapshot) return snapshot.error();
  MetadataCall call(
      r, ObjectKind::Snapshot, snapshot->metadata, kSnapshotPolicies,
      [&](std::string_view policy) { return authorize(policy, r); }, service_);
  if (!is_write(r)) return call.read_or_delete();
  if (auto denied = call.authorize_write()) return *denied;
  const auto& given = metadata_element(*r.body, body_kind(r));
  if (auto p = check_snapshot_metadata_properties(snapshot->metadata, given, call.replaces())) return problem_reply(*p);
  return call.write();
}

Endpoints::Reply Endpoints::volume_metadata(const EndpointRequest& r) const {
  if (is_write(r)) {  // @validation.schema runs before the controller looks the volume up
    if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
    if (auto p = check_volume_metadata_body(*r.body, body_kind(r), r.route.key)) return problem_reply(*p);
  }
  auto volume = visible_volume(r.route.id, r);
  if (!volume) return volume.error();
  MetadataCall call(
      r, ObjectKind::Volume, volume->metadata, kVolumePolicies,
      [&](std::string_view policy) { return authorize(policy, r); }, service_);
  if (!is_write(r)) return call.read_or_delete();
  if (auto denied = call.authorize_write()) return *denied;
  return call.write();
}

}  // namespace snapmgr::core::api
