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
  return ApiError::not_found((kind == ObjectKind::Volume ? "Volume " : "Snapshot ") + id + " has no metadata with key " +
                             key + ".");
}

MetadataBody body_kind(const EndpointRequest& r) {
  const bool item = r.route.resource == Resource::VolumeMetadataItem || r.route.resource == Resource::SnapshotMetadataItem;
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

// The steps both kinds share once the row is visible: reads, delete, and the write itself.
class MetadataCall {
 public:
  MetadataCall(const EndpointRequest& r, ObjectKind kind, const Metadata& current) : r_(r), kind_(kind), current_(current) {}

  bool is_read() const { return r_.method == "GET"; }
  bool is_delete() const { return r_.method == "DELETE"; }
  bool replaces() const { return r_.method == "PUT" && body_kind(r_) == MetadataBody::Collection; }

  Reply read() const {
    if (body_kind(r_) == MetadataBody::Collection) return json_response(200, {{"metadata", metadata_json(current_)}});
    auto it = current_.find(r_.route.key);
    if (it == current_.end()) return key_not_found(kind_, r_.route.id, r_.route.key);
    return json_response(200, {{"meta", {{it->first, it->second}}}});
  }

  std::optional<ApiError> absent_key() const {
    if (current_.count(r_.route.key)) return std::nullopt;
    return key_not_found(kind_, r_.route.id, r_.route.key);
  }

  Reply write(ManageService& service) const {
    const auto& given = metadata_element(*r_.body, body_kind(r_));
    auto written = service.update_metadata(kind_, r_.route.id, to_metadata(given), replaces());
    if (!written) return to_api_error(written.error());
    if (body_kind(r_) == MetadataBody::Item) return json_response(200, {{"meta", given}});
    return json_response(200, {{"metadata", metadata_json(*written)}});
  }

  Reply remove(ManageService& service) const {
    auto done = service.delete_metadata_key(kind_, r_.route.id, r_.route.key);
    if (!done) return to_api_error(done.error());
    return empty_response(200);
  }

 private:
  const EndpointRequest& r_;
  ObjectKind kind_;
  const Metadata& current_;
};

}  // namespace

Endpoints::Reply Endpoints::snapshot_metadata(const EndpointRequest& r) const {
  const bool writes = r.method == "POST" || r.method == "PUT";
  if (writes) {  // the body is checked before the snapshot is looked up
    if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
    if (auto p = check_snapshot_metadata_body(*r.body, body_kind(r), r.route.key)) return problem_reply(*p);
  }
  auto snapshot = visible_snapshot(r.route.id, r);
  if (!snapshot) return snapshot.error();
  MetadataCall call(r, ObjectKind::Snapshot, snapshot->metadata);
  if (!writes) {
    if (auto denied = authorize(kSnapshotPolicies.get, r)) return *denied;
    if (call.is_read()) return call.read();
    if (auto absent = call.absent_key()) return *absent;
    if (auto denied = authorize(kSnapshotPolicies.remove, r)) return *denied;
    return call.remove(service_);
  }
  if (auto denied = authorize(kSnapshotPolicies.update, r)) return *denied;
  const auto& given = metadata_element(*r.body, body_kind(r));
  if (auto p = check_snapshot_metadata_properties(snapshot->metadata, given, call.replaces())) return problem_reply(*p);
  return call.write(service_);
}

Endpoints::Reply Endpoints::volume_metadata(const EndpointRequest& r) const {
  const bool writes = r.method == "POST" || r.method == "PUT";
  if (writes) {  // @validation.schema runs before the controller looks the volume up
    if (!r.body) return ApiError::bad_request(ApiError::kBadRequest);
    if (auto p = check_volume_metadata_body(*r.body, body_kind(r), r.route.key)) return problem_reply(*p);
  }
  auto volume = visible_volume(r.route.id, r);
  if (!volume) return volume.error();
  MetadataCall call(r, ObjectKind::Volume, volume->metadata);
  if (!writes) {
    if (auto denied = authorize(kVolumePolicies.get, r)) return *denied;
    if (call.is_read()) return call.read();
    if (auto absent = call.absent_key()) return *absent;
    if (auto denied = authorize(kVolumePolicies.remove, r)) return *denied;
    return call.remove(service_);
  }
  const bool creates = r.method == "POST";
  if (auto denied = authorize(creates ? kVolumePolicies.create : kVolumePolicies.update, r)) return *denied;
  return call.write(service_);
}

}  // namespace snapmgr::core::api
