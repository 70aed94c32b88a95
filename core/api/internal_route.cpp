#include "core/api/internal_route.hpp"

#include <regex>

#include <boost/algorithm/string/split.hpp>
#include <boost/beast/http/field.hpp>

#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

namespace http = boost::beast::http;

std::string header(const HttpRequest& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string() : std::string(it->value());
}

// Headers of the client's request that do not travel to the owner: credentials (the owner trusts
// the forwarded identity instead), the internal ones (set afresh), and hop-by-hop ones.
constexpr std::string_view kDropped[] = {"X-Auth-Token",
                                         "x-user-id",
                                         "x-project-id",
                                         "X-Snapmgr-Internal-Secret",
                                         "X-Snapmgr-User-Id",
                                         "X-Snapmgr-Project-Id",
                                         "X-Snapmgr-Roles",
                                         "X-Snapmgr-Is-Admin",
                                         "x-openstack-request-id",
                                         "Connection",
                                         "Keep-Alive",
                                         "Proxy-Connection",
                                         "TE",
                                         "Trailer",
                                         "Transfer-Encoding",
                                         "Upgrade",
                                         "Expect",
                                         "Content-Length"};

}  // namespace

bool is_internal_path(std::string_view path) {
  return path.substr(0, kInternalPrefix.size()) == kInternalPrefix &&
         (path.size() == kInternalPrefix.size() || path[kInternalPrefix.size()] == '/');
}

snapmgr::Result<ForwardedCaller, ApiError> accept_forwarded(const HttpRequest& request, const InternalSecret& secret,
                                                            const std::string& fallback_request_id) {
  auto presented = request.find(kInternalSecretHeader);
  if (presented == request.end() || !secret.matches(presented->value())) {
    log().warn("internal route: refused {} {}: {} {} header", std::string(request.method_string()),
               std::string(request.target()), presented == request.end() ? "no" : "a wrong", kInternalSecretHeader);
    return ApiError::unauthorized("The internal route requires the nodes' shared secret (" +
                                  std::string(kInternalSecretHeader) + ", from internal_secret_file).");
  }
  ForwardedCaller caller;
  caller.identity.user_id = header(request, kInternalUserHeader);
  caller.identity.project_id = header(request, kInternalProjectHeader);
  if (caller.identity.user_id.empty() || caller.identity.project_id.empty()) {
    return ApiError::bad_request(std::string("A forwarded request must name its caller (") + kInternalUserHeader +
                                 ", " + kInternalProjectHeader + ").");
  }
  const std::string roles = header(request, kInternalRolesHeader);
  if (!roles.empty()) boost::algorithm::split(caller.identity.roles, roles, [](char c) { return c == ','; });
  caller.identity.is_admin = header(request, kInternalAdminHeader) == "true";
  static const std::regex kRequestId("^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  const std::string id = header(request, kRequestIdHeader);
  caller.request_id = std::regex_match(id, kRequestId) ? id : fallback_request_id;
  return caller;
}

HttpRequest forwarded_request(const HttpRequest& request, std::string_view base_path, const InternalSecret& secret,
                              const Identity& caller, const std::string& request_id) {
  HttpRequest out = request;
  for (std::string_view name : kDropped) out.erase(name);
  if (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  out.target(std::string(base_path) + std::string(kInternalPrefix) + std::string(request.target()));
  out.keep_alive(false);
  out.set(kInternalSecretHeader, secret.value());
  out.set(kInternalUserHeader, caller.user_id);
  out.set(kInternalProjectHeader, caller.project_id);
  std::string roles;
  for (const auto& role : caller.roles) roles += (roles.empty() ? "" : ",") + role;
  out.set(kInternalRolesHeader, roles);
  out.set(kInternalAdminHeader, caller.is_admin ? "true" : "false");
  out.set(kRequestIdHeader, request_id);
  out.prepare_payload();
  return out;
}

}  // namespace snapmgr::core::api
