#include "core/api/responses.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace snapmgr::core::api {

namespace http = boost::beast::http;

std::string make_request_id() {
  thread_local boost::uuids::random_generator generator;
  return "req-" + boost::uuids::to_string(generator());
}

HttpResponse json_response(int status, const boost::json::object& body) {
  HttpResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/json");
  response.body() = boost::json::serialize(body);
  return response;
}

HttpResponse json_response(int status, std::string serialized_body) {
  HttpResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(serialized_body);
  return response;
}

HttpResponse error_response(const ApiError& error) {
  HttpResponse response = json_response(error.status, error_body(error));
  if (error.status == 413) response.set(http::field::retry_after, "0");
  return response;
}

HttpResponse empty_response(int status) {
  HttpResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "text/html; charset=UTF-8");
  return response;
}

void finish_response(HttpResponse& response, const std::string& request_id, const ApiVersion& version) {
  response.set("x-openstack-request-id", request_id);
  response.set(kVersionHeader, version_header_value(version));
  response.set(http::field::vary, kVersionHeader);
  response.prepare_payload();
}

}  // namespace snapmgr::core::api
