// JSON views of catalog rows and listing entries, with Cinder's keys in Cinder's order
// (Boost.JSON objects keep insertion order):
//
//   manage reply     {"snapshot": {id, created_at, updated_at, name, description, volume_id,
//                    status, size, metadata}} — exactly these 9 keys (Tempest checks
//                    additionalProperties: false);
//   snapshot show    the same 9 + os-extended-snapshot-attributes:{progress,project_id}, then
//                    group_snapshot_id (≥3.14), user_id (≥3.41), consumes_quota (≥3.65);
//   manageable list  summary {reference, size, safe_to_manage, source_reference}; detail
//                    {reference, size, safe_to_manage, reason_not_safe, extra_info, cinder_id,
//                    source_reference} under "manageable-snapshots"; volumes likewise without
//                    source_reference (detail order: reference, size, safe_to_manage,
//                    reason_not_safe, cinder_id, extra_info) under "manageable-volumes";
//   volume show      Cinder's v3 volume detail; admin-only attributes only for admins
//                    (os-vol-host-attr:host is "<host>@<backend>#<pool>", as Tempest requires);
//   os-services      {binary, host, zone, status, state, updated_at, backend_state (≥3.49),
//                    cluster (≥3.7), disabled_reason, replication_status, active_backend_id,
//                    frozen} per service, as Cinder's ServiceController.index with its
//                    os-extended-services extension loaded (the default).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/adoption/manage_service.hpp"
#include "core/api/microversion.hpp"
#include "core/catalog/records.hpp"
#include "core/listing/listing_types.hpp"

namespace snapmgr::core::api {

// What a view needs from the request.
struct ViewContext {
  std::string base_url;    // "http://127.0.0.1:8776" (from the Host header)
  std::string project_id;  // the URL's project, for links ("" when the URL had none)
  ApiVersion version;
  bool is_admin = false;
};

boost::json::object snapshot_manage_reply(const SnapshotRecord& snapshot);
boost::json::object snapshot_view(const SnapshotRecord& snapshot, const ViewContext& ctx, bool detailed);
boost::json::object volume_view(const VolumeRecord& volume, const ViewContext& ctx);
boost::json::object volume_summary_view(const VolumeRecord& volume, const ViewContext& ctx);

// One entry of GET os-services' "services" list.
boost::json::object service_view(const ServiceView& service, const ViewContext& ctx);

// The serialised response bodies of the manageable listings.
std::string manageable_snapshots_body(const std::vector<SnapshotListingEntry>& entries, bool detailed);
std::string manageable_volumes_body(const std::vector<VolumeListingEntry>& entries, bool detailed);

// The version document of `GET /` and `GET /v3/`.
boost::json::object versions_document(const std::string& base_url);

boost::json::object to_json(const snapmgr::StringMap& map);
boost::json::object metadata_json(const Metadata& metadata);

}  // namespace snapmgr::core::api
