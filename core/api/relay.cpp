// Endpoints' relay to the node that serves a backend (endpoints.hpp, "Many nodes").
#include "core/api/endpoints.hpp"

namespace snapmgr::core::api {

std::optional<Endpoints::Reply> Endpoints::relay_for_target(const EndpointRequest& r, const std::string& host,
                                                            const std::string& cluster, ApiPath path) const {
  if (!relay_.router) return std::nullopt;
  return relay_to(r, relay_.router->for_target(host, cluster, r.arrival), path);
}

std::optional<Endpoints::Reply> Endpoints::relay_for_backend(const EndpointRequest& r, const std::string& backend,
                                                             const std::string& cluster, ApiPath path) const {
  if (!relay_.router) return std::nullopt;
  return relay_to(r, relay_.router->for_backend(backend, cluster, r.arrival), path);
}

std::optional<Endpoints::Reply> Endpoints::relay_unmanage(const EndpointRequest& r, const std::string& backend) const {
  if (!relay_.router) return std::nullopt;
  auto route = relay_.router->for_backend(backend, "", r.arrival);
  if (!route || !*route) return std::nullopt;
  return relay_to(r, std::move(route), ApiPath::V3);
}

std::optional<Endpoints::Reply> Endpoints::relay_to(const EndpointRequest& r, ServiceResult<RequestRoute> route,
                                                    ApiPath path) const {
  if (!route) return Reply(to_api_error(route.error(), path));
  if (!*route) return std::nullopt;
  if (!relay_.forwarder || !r.http) return Reply(ApiError{500, ApiError::kInternal});
  auto answer = relay_.forwarder->forward(**route, *r.http, r.identity, r.caller.request_id);
  if (!answer) return Reply(answer.error());
  return Reply(std::move(answer).value());
}

}  // namespace snapmgr::core::api
