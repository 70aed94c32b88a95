// One API request in, one response out: the REST API independent of the transport (the HTTP
// server calls it on a worker thread; tests may call it directly).
//
// Order of checks, as Cinder's middleware and wsgi layers apply them:
//   1. the target parses (400);  `GET /` → 300 and `GET /v3/` → 200 version documents (no auth);
//      other paths outside /v3/ → 404;
//   2. authentication (401);
//   3. routing: unknown path 404 "The resource could not be found.", known path with another
//      method 405 badMethod;
//   4. microversion headers (400 bad format, 406 out of range);
//   5. POST and PUT bodies: 415 "Unsupported Content-Type", 400 "Malformed request body" (invalid JSON;
//      for actions also anything but an object with exactly one key);
//   6. a URL project that is not the caller's: 400 "Malformed request url" (admins included);
//   7. the endpoint (endpoints.hpp).
// The internal route (internal_route.hpp), served only with an internal secret: `/internal/v3/...`
// is checked for the secret first (401), then its forwarded caller replaces step 2 and the request
// goes through steps 3–7 as `/v3/...`, answered under the caller's request id; without a secret
// `/internal/...` is 404 like any path outside /v3/.
// Every response carries x-openstack-request-id, OpenStack-API-Version (the request's version,
// 3.0 when it had none or an unusable one) and Vary. An exception escaping an endpoint becomes
// 500 computeFault with Cinder's generic text (and is logged).
//
// Ownership: borrows the service and the router; owns the authenticator, policy, secret and forwarder.
// Thread-safety: handle() is const and may run on many threads at once.
#pragma once

#include <string>

#include <optional>

#include "core/adoption/manage_service.hpp"
#include "core/adoption/request_routing.hpp"
#include "core/api/auth.hpp"
#include "core/api/endpoints.hpp"
#include "core/api/forwarder.hpp"
#include "core/api/policy.hpp"
#include "core/api/responses.hpp"

namespace snapmgr::core::api {

// Several nodes sharing one catalog. `router` (borrowed, may be null) sends requests for other
// nodes' backends there; `secret` serves the internal route and signs what is forwarded (no
// forwarding without it).
struct MultiNode {
  const RequestRouter* router = nullptr;
  std::optional<InternalSecret> secret;
  ForwarderOptions forwarder;
};

class ApiHandler {
 public:
  ApiHandler(ManageService& service, Authenticator auth, Policy policy, MultiNode nodes = {});
  ApiHandler(const ApiHandler&) = delete;
  ApiHandler& operator=(const ApiHandler&) = delete;

  HttpResponse handle(const HttpRequest& request, const std::string& request_id) const;

 private:
  // May replace `request_id` with a forwarded request's.
  HttpResponse respond(const HttpRequest& request, std::string& request_id, ApiVersion& version) const;

  Authenticator auth_;
  Policy policy_;
  std::optional<InternalSecret> secret_;
  std::optional<Forwarder> forwarder_;
  Endpoints endpoints_;
};

}  // namespace snapmgr::core::api
