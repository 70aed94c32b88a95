// The endpoints behind the routes: each checks what Cinder checks, in Cinder's order, calls the
// service, and renders the result (docs/cinder-compatibility.md §2.1, §2.7, §2.10).
//
//   manageable listings   (v3 path: < 3.8 → 404) → policy → query (listing_params) → service
//   manage POST           (v3 path: < 3.8 → 404) → body present → schema → volume visible (404)
//                         → policy → service (404/400/409/501/502/504) → 202
//   os-unmanage action    snapshot/volume visible (404) → policy → service → 202, empty body
//   volumes / snapshots   project-scoped reads; `all_tenants` (admins only) lists every project
//   */metadata[/{key}]    catalog-only metadata, Cinder 2023.1's checks and messages
//                         (metadata_endpoints.cpp)
//   os-services           policy → `host`/`binary` filters (last value wins) → the registry
//
// Ownership: borrows the service and the policy, which outlive it.
// Thread-safety: const and stateless; the service is thread-safe.
#pragma once

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/adoption/manage_service.hpp"
#include "core/api/auth.hpp"
#include "core/api/faults.hpp"
#include "core/api/microversion.hpp"
#include "core/api/policy.hpp"
#include "core/api/query_params.hpp"
#include "core/api/responses.hpp"
#include "core/api/routes.hpp"
#include "core/api/views.hpp"

namespace snapmgr::core::api {

// What the endpoint learns from the request. `body` is unset when the request had no usable
// body (empty, or no Content-Type: Cinder then ignores it).
struct EndpointRequest {
  std::string method;  // "GET", "POST", "PUT" or "DELETE" (the route accepts it)
  Route route;
  Identity identity;
  Caller caller;
  ApiVersion version;
  QueryParams query;
  ViewContext view;
  std::optional<boost::json::value> body;
  std::string action;  // the action's one key, for */action routes
};

class Endpoints {
 public:
  Endpoints(ManageService& service, const Policy& policy) : service_(service), policy_(policy) {}

  snapmgr::Result<HttpResponse, ApiError> call(const EndpointRequest& request) const;

 private:
  using Reply = snapmgr::Result<HttpResponse, ApiError>;

  Reply list_manageable_snapshots(const EndpointRequest& r, bool detailed, ApiPath path) const;
  Reply list_manageable_volumes(const EndpointRequest& r, bool detailed, ApiPath path) const;
  Reply manage_snapshot(const EndpointRequest& r, ApiPath path) const;
  Reply manage_volume(const EndpointRequest& r, ApiPath path) const;
  Reply snapshot_action(const EndpointRequest& r) const;
  Reply volume_action(const EndpointRequest& r) const;
  Reply show_volume(const EndpointRequest& r) const;
  Reply list_volumes(const EndpointRequest& r, bool detailed) const;
  Reply show_snapshot(const EndpointRequest& r) const;
  Reply list_snapshots(const EndpointRequest& r, bool detailed) const;
  Reply snapshot_metadata(const EndpointRequest& r) const;
  Reply volume_metadata(const EndpointRequest& r) const;
  Reply list_services(const EndpointRequest& r) const;

  std::optional<ApiError> authorize(std::string_view policy, const EndpointRequest& r) const;
  // The volume/snapshot if the caller may see it (admins see every project's), else 404.
  snapmgr::Result<VolumeRecord, ApiError> visible_volume(const std::string& id, const EndpointRequest& r) const;
  snapmgr::Result<SnapshotRecord, ApiError> visible_snapshot(const std::string& id, const EndpointRequest& r) const;

  ManageService& service_;
  const Policy& policy_;
};

}  // namespace snapmgr::core::api
