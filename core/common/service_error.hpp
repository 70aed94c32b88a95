// Errors of the service layer (listing, adoption, unmanage, lookups). The API maps each fault
// to an HTTP status and Cinder fault name in one place (api/faults); messages are final texts,
// matching Cinder's where Cinder has one.
//
//   BadRequest      400 badRequest          invalid request or state ("Invalid volume: ...",
//                                           "Service is unavailable at this time.", bad references)
//   InvalidInput    400 badRequest          Cinder's InvalidInput raised below the API (marker
//                                           errors): the v3 path prefixes "Invalid input received: "
//   NotFound        404 itemNotFound
//   Conflict        409 conflictingRequest  already managed, concurrent adoption, object in use
//   NotImplemented  501 notImplemented      the backend's driver lacks the capability
//   BackendFailure  502 computeFault        the driver reported a backend error
//   Timeout         504 computeFault        the driver did not answer in time
//   Unavailable     503 serviceUnavailable  a backend's bulkhead is full; the PostgreSQL catalog is unreachable
//   Internal        500 computeFault        a bug or an unexpected failure (catalog I/O)
#pragma once

#include <string>
#include <utility>

#include "snapmgr/result.hpp"

namespace snapmgr::core {

enum class Fault {
  BadRequest,
  InvalidInput,
  NotFound,
  Conflict,
  NotImplemented,
  BackendFailure,
  Timeout,
  Unavailable,
  Internal
};

struct ServiceError {
  Fault fault;
  std::string message;
};

template <class T>
using ServiceResult = snapmgr::Result<T, ServiceError>;

struct Done {};  // the value of a ServiceResult that only succeeds or fails
using ServiceStatus = ServiceResult<Done>;

}  // namespace snapmgr::core
