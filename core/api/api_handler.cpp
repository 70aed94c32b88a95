#include "core/api/api_handler.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include "core/api/internal_route.hpp"
#include "core/api/query_params.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

namespace http = boost::beast::http;

constexpr const char* kMalformedBody = "Malformed request body";

std::vector<std::string_view> header_values(const HttpRequest& request, std::string_view name) {
  std::vector<std::string_view> values;
  auto [first, last] = request.equal_range(name);
  for (auto it = first; it != last; ++it) values.emplace_back(it->value().data(), it->value().size());
  return values;
}

std::string base_url(const HttpRequest& request) {
  auto host = request.find(http::field::host);
  return "http://" + (host == request.end() ? std::string("localhost") : std::string(host->value()));
}

HttpResponse method_not_allowed(std::string_view method, const std::vector<std::string>& allowed) {
  HttpResponse response =
      error_response({405, "The method " + std::string(method) + " is not allowed for this resource."});
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  response.set(http::field::allow, allow);
  return response;
}

bool is_json_media_type(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  media = boost::algorithm::to_lower_copy(boost::algorithm::trim_copy(media));
  return media == "application/json" || media == "application/vnd.openstack.volume+json";
}

// Cinder reads a body only with a JSON Content-Type: another type is 415, no Content-Type or an
// empty body means "no body" (the endpoint decides what that means), invalid JSON is 400.
snapmgr::Result<std::optional<boost::json::value>, ApiError> read_json_body(const HttpRequest& request) {
  auto content_type = request.find(http::field::content_type);
  if (content_type != request.end() && !is_json_media_type(content_type->value())) {
    return ApiError{415, "Unsupported Content-Type"};
  }
  if (content_type == request.end() || request.body().empty()) return std::optional<boost::json::value>();
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body(), ec);
  if (ec) return ApiError::bad_request(kMalformedBody);
  return std::optional<boost::json::value>(std::move(body));
}

// An action body ({"os-unmanage": ...}) must be a JSON object with exactly one key; anything
// else — including a missing body or Content-Type — is "Malformed request body" (Cinder's
// action_peek). Returns the key.
snapmgr::Result<std::string, ApiError> read_action(const HttpRequest& request) {
  auto content_type = request.find(http::field::content_type);
  if (content_type == request.end() || !is_json_media_type(content_type->value()) || request.body().empty()) {
    return ApiError::bad_request(kMalformedBody);
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body(), ec);
  if (ec || !body.is_object() || body.get_object().size() != 1) return ApiError::bad_request(kMalformedBody);
  return std::string(body.get_object().begin()->key());
}

}  // namespace

ApiHandler::ApiHandler(ManageService& service, Authenticator auth, Policy policy, MultiNode nodes)
    : auth_(std::move(auth)),
      policy_(std::move(policy)),
      secret_(std::move(nodes.secret)),
      forwarder_(secret_ ? std::optional<Forwarder>(std::in_place, *secret_, nodes.forwarder) : std::nullopt),
      endpoints_(service, policy_, Relay{forwarder_ ? nodes.router : nullptr, forwarder_ ? &*forwarder_ : nullptr}) {}

HttpResponse ApiHandler::handle(const HttpRequest& request, const std::string& received_id) const {
  ApiVersion version = kMinVersion;
  HttpResponse response;
  std::string request_id = received_id;
  try {
    response = respond(request, request_id, version);
  } catch (const std::exception& e) {
    log().error("request failed with an exception: {}", e.what());
    response = error_response({500, ApiError::kInternal});
  }
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  finish_response(response, request_id, version);
  return response;
}

HttpResponse ApiHandler::respond(const HttpRequest& request, std::string& request_id, ApiVersion& version) const {
  auto target = parse_target(request.target());
  if (!target) return error_response(ApiError::bad_request("Malformed request url"));
  const std::string method(request.method_string());
  std::optional<ForwardedCaller> forwarded;
  std::optional<RequestIdScope> forwarded_scope;
  if (secret_ && is_internal_path(target->path)) {
    auto accepted = accept_forwarded(request, *secret_, request_id);
    if (!accepted) return error_response(accepted.error());
    forwarded = std::move(accepted).value();
    log().info("forwarded request, served as the caller's request {}", forwarded->request_id);
    request_id = forwarded->request_id;
    forwarded_scope.emplace(request_id);
    target->path.erase(0, kInternalPrefix.size());
    if (target->path.rfind("/v3/", 0) != 0) return error_response(ApiError::not_found());
  }
  const std::string& path = target->path;
  if (path == "/" || path == "/v3" || path == "/v3/") {
    if (method != "GET") return method_not_allowed(method, {"GET"});
    return json_response(path == "/" ? 300 : 200, versions_document(base_url(request)));
  }
  if (path.rfind("/v3/", 0) != 0) return error_response(ApiError::not_found());

  auto requested =
      requested_version(header_values(request, kVersionHeader), header_values(request, kLegacyVersionHeader));
  if (requested) version = *requested;
  auto identity = forwarded ? snapmgr::Result<Identity, ApiError>(forwarded->identity) : auth_.authenticate(request);
  if (!identity) return error_response(identity.error());
  Route route = route_v3(path);
  if (route.resource == Resource::NotFound) return error_response(ApiError::not_found());
  if (!route.accepts(method)) return method_not_allowed(method, route.methods);
  if (!requested) return error_response(requested.error());

  EndpointRequest r;
  r.method = method;
  if (method == "POST" || method == "PUT") {
    if (route.resource == Resource::VolumeAction || route.resource == Resource::SnapshotAction) {
      auto action = read_action(request);
      if (!action) return error_response(action.error());
      r.action = std::move(action).value();
    } else {
      auto body = read_json_body(request);
      if (!body) return error_response(body.error());
      r.body = std::move(body).value();
    }
  }
  if (!route.project_id.empty() && route.project_id != identity->project_id) {
    return error_response(ApiError::bad_request("Malformed request url"));
  }
  r.route = std::move(route);
  r.identity = std::move(identity).value();
  r.caller = Caller{r.identity.user_id, r.identity.project_id, r.identity.is_admin, request_id};
  r.version = version;
  r.query = std::move(target->query);
  r.view = ViewContext{base_url(request), r.route.project_id, version, r.identity.is_admin};
  r.http = &request;
  r.arrival = forwarded ? Arrival::Forwarded : Arrival::FromClient;
  auto reply = endpoints_.call(r);
  if (!reply) return error_response(reply.error());
  return std::move(reply).value();
}

}  // namespace snapmgr::core::api
