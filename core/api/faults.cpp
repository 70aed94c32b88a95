#include "core/api/faults.hpp"

namespace snapmgr::core::api {

std::string_view fault_name(int status) {
  switch (status) {
    case 400: return "badRequest";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "itemNotFound";
    case 405: return "badMethod";
    case 409: return "conflictingRequest";
    case 413: return "overLimit";
    case 415: return "badMediaType";
    case 501: return "notImplemented";
    case 503: return "serviceUnavailable";
    default: return "computeFault";
  }
}

ApiError to_api_error(const ServiceError& error, ApiPath path) {
  switch (error.fault) {
    case Fault::BadRequest: return {400, error.message};
    case Fault::InvalidInput:
      return {400, path == ApiPath::V3 ? "Invalid input received: " + error.message : error.message};
    case Fault::NotFound: return {404, error.message};
    case Fault::Conflict: return {409, error.message};
    case Fault::NotImplemented: return {501, error.message};
    case Fault::BackendFailure: return {502, error.message};
    case Fault::Timeout: return {504, error.message};
    case Fault::Unavailable: return {503, error.message};
    case Fault::Internal: return {500, error.message.empty() ? ApiError::kInternal : error.message};
  }
  return {500, ApiError::kInternal};
}

boost::json::object error_body(const ApiError& error) {
  boost::json::object inner;
  inner["code"] = error.status;
  inner["message"] = error.message;
  if (error.status == 413) inner["retryAfter"] = "0";
  boost::json::object body;
  body[fault_name(error.status)] = std::move(inner);
  return body;
}

ApiError policy_denied(std::string_view policy_name) {
  return ApiError::forbidden("Policy doesn't allow " + std::string(policy_name) + " to be performed.");
}

}  // namespace snapmgr::core::api
