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
// Many nodes (relay.cpp): the listings, the manage POSTs and os-unmanage need the backend's
// driver. Just before the service call — every check that needs no backend done — a node given a
// router asks it where the backend is served (core/adoption/request_routing.hpp) and, when that is
// another node, relays the request there (forwarder.hpp) and answers what the owner answered.
//
// Ownership: borrows the service, the policy and the relay's router and forwarder, which outlive it.
// Thread-safety: const and stateless; the service is thread-safe.
#pragma once

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/adoption/manage_service.hpp"
#include "core/adoption/request_routing.hpp"
#include "core/api/auth.hpp"
#include "core/api/faults.hpp"
#include "core/api/forwarder.hpp"
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
  std::string action;                 // the action's one key, for */action routes
  const HttpRequest* http = nullptr;  // the request as received, for relaying it
  Arrival arrival = Arrival::FromClient;
};

// Where requests for other nodes' backends go; both null on a single node (everything is local).
struct Relay {
  const RequestRouter* router = nullptr;
  const Forwarder* forwarder = nullptr;
};

class Endpoints {
 public:
  Endpoints(ManageService& service, const Policy& policy, Relay relay = {})
      : service_(service), policy_(policy), relay_(relay) {}

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

  // nullopt: serve the request here. Otherwise the reply: the owner's answer, relayed, or why
  // the request cannot be served (relay.cpp).
  std::optional<Reply> relay_for_target(const EndpointRequest& r, const std::string& host, const std::string& cluster,
                                        ApiPath path) const;
  std::optional<Reply> relay_for_backend(const EndpointRequest& r, const std::string& backend,
                                         const std::string& cluster, ApiPath path) const;
  // An unmanage is relayed only to an owner that is up (its driver may want to be told); else
  // the catalog side is done here, as on a node whose backend lacks a release capability.
  std::optional<Reply> relay_unmanage(const EndpointRequest& r, const std::string& backend) const;
  std::optional<Reply> relay_to(const EndpointRequest& r, ServiceResult<RequestRoute> route, ApiPath path) const;

  std::optional<ApiError> authorize(std::string_view policy, const EndpointRequest& r) const;
  // The volume/snapshot if the caller may see it (admins see every project's), else 404.
  snapmgr::Result<VolumeRecord, ApiError> visible_volume(const std::string& id, const EndpointRequest& r) const;
  snapmgr::Result<SnapshotRecord, ApiError> visible_snapshot(const std::string& id, const EndpointRequest& r) const;

  ManageService& service_;
  const Policy& policy_;
  Relay relay_;
};

}  // namespace snapmgr::core::api
