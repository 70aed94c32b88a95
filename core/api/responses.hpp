// Building HTTP responses: JSON bodies, Cinder error bodies, and the headers every response
// carries — `x-openstack-request-id: req-<uuid>`, `OpenStack-API-Version: volume X.Y` and
// `Vary: OpenStack-API-Version`.
//
// Thread-safety: pure functions; make_request_id() uses a per-thread generator.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>

#include "core/api/faults.hpp"
#include "core/api/microversion.hpp"

namespace snapmgr::core::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// "req-" + a random (version 4) UUID from Boost.UUID.
std::string make_request_id();

HttpResponse json_response(int status, const boost::json::object& body);
HttpResponse json_response(int status, std::string serialized_body);
HttpResponse error_response(const ApiError& error);
// 202 with an empty body and webob's default content type, as Cinder answers os-unmanage.
HttpResponse empty_response(int status);

// Sets the request-id and version headers (and Content-Length).
void finish_response(HttpResponse& response, const std::string& request_id, const ApiVersion& version);

}  // namespace snapmgr::core::api
