// API errors and their wire form — the one place that maps service faults to HTTP statuses and
// Cinder's fault names.
//
// Every error answer is `{"<faultName>": {"code": N, "message": "..."}}` with Cinder's names:
// 400 badRequest, 401 unauthorized, 403 forbidden, 404 itemNotFound, 405 badMethod,
// 409 conflictingRequest, 413 overLimit (plus "retryAfter": "0" and a `Retry-After: 0` header),
// 415 badMediaType, 501 notImplemented, 503 serviceUnavailable; every other status (406, 431,
// 500, 502, 504) is computeFault.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/common/service_error.hpp"

namespace snapmgr::core::api {

struct ApiError {
  int status = 500;
  std::string message;

  static ApiError bad_request(std::string m) { return {400, std::move(m)}; }
  static ApiError not_found(std::string m = kResourceNotFound) { return {404, std::move(m)}; }
  static ApiError forbidden(std::string m) { return {403, std::move(m)}; }
  static ApiError unauthorized(std::string m) { return {401, std::move(m)}; }

  // Cinder's generic texts.
  static constexpr const char* kResourceNotFound = "The resource could not be found.";
  // webob's HTTPBadRequest text: Cinder's answer to a body that is missing or breaks its code.
  static constexpr const char* kBadRequest =
      "The server could not comply with the request since it is either malformed or otherwise incorrect.";
  static constexpr const char* kInternal =
      "The server has either erred or is incapable of performing the requested operation.";
};

// Which of Cinder's two paths produced a service error: the v3 `/manageable_*` path prefixes
// InvalidInput texts with "Invalid input received: ", the legacy `/os-*-manage` path passes
// the bare text (docs/cinder-compatibility.md §3.2).
enum class ApiPath { V3, Legacy };

// Cinder's fault name for an HTTP status ("badRequest", ..., "computeFault").
std::string_view fault_name(int status);

// The HTTP error for a service failure.
ApiError to_api_error(const ServiceError& error, ApiPath path = ApiPath::V3);

// {"<faultName>": {"code": N, "message": "..."}} (413 adds "retryAfter": "0").
boost::json::object error_body(const ApiError& error);

// Cinder's "Policy doesn't allow <name> to be performed."
ApiError policy_denied(std::string_view policy_name);

}  // namespace snapmgr::core::api
