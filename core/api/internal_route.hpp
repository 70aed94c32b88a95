// The internal route (docs/api.md "Many nodes: the internal route"): how one snapmgrd node asks
// another — the owner of a backend — to answer a client's request for it. The forwarded request is the client's
// request with the path under `/internal` ("/internal/v3/p1/manageable_snapshots?host=..."), the
// client's credentials removed, and these headers:
//
//   X-Snapmgr-Internal-Secret  the shared secret (core/config/internal_secret.hpp)
//   X-Snapmgr-User-Id          the caller the receiving node authenticated
//   X-Snapmgr-Project-Id
//   X-Snapmgr-Roles            its roles, comma-separated (the policy reads them)
//   X-Snapmgr-Is-Admin         "true" or "false"
//   x-openstack-request-id     the receiving node's request id, which the owner answers under
//
// The owner checks the secret in constant time before it reads anything else; a missing or wrong
// one is 401 (logged, the secret never quoted). Then the caller's identity replaces token
// authentication, and the request is served as if it had been sent to `/v3/...` — except that it
// is never forwarded again (request_routing.hpp).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/api/auth.hpp"
#include "core/api/faults.hpp"
#include "core/api/responses.hpp"
#include "core/config/internal_secret.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

inline constexpr std::string_view kInternalPrefix = "/internal";
inline constexpr const char* kInternalSecretHeader = "X-Snapmgr-Internal-Secret";
inline constexpr const char* kInternalUserHeader = "X-Snapmgr-User-Id";
inline constexpr const char* kInternalProjectHeader = "X-Snapmgr-Project-Id";
inline constexpr const char* kInternalRolesHeader = "X-Snapmgr-Roles";
inline constexpr const char* kInternalAdminHeader = "X-Snapmgr-Is-Admin";
inline constexpr const char* kRequestIdHeader = "x-openstack-request-id";

// True when a decoded path is on the internal route ("/internal/..." or "/internal").
bool is_internal_path(std::string_view path);

// Who a forwarded request speaks for, and under which request id it is answered.
struct ForwardedCaller {
  Identity identity;
  std::string request_id;
};

// Checks the secret, then reads the caller: 401 for a missing or wrong secret, 400 when the
// identity headers are incomplete. `fallback_request_id` is used when the request id header is
// missing or not of the form "req-<uuid>".
snapmgr::Result<ForwardedCaller, ApiError> accept_forwarded(const HttpRequest& request, const InternalSecret& secret,
                                                            const std::string& fallback_request_id);

// The request to send to the owner: `request` under the internal prefix (after `base_path`, the
// advertised URL's path), without the client's credentials or hop-by-hop headers, with the
// internal headers above.
HttpRequest forwarded_request(const HttpRequest& request, std::string_view base_path, const InternalSecret& secret,
                              const Identity& caller, const std::string& request_id);

}  // namespace snapmgr::core::api
