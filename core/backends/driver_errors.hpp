// The one place where a driver's error code becomes a service fault (and so an HTTP status):
//   InvalidReference → BadRequest   NotFound → NotFound        AlreadyManaged, InUse → Conflict
//   NotSupported → NotImplemented   Timeout → Timeout          BackendError, InvalidConfig → BackendFailure
// `context` names the operation and backend ("listing snapshots on node1@lvm1").
#pragma once

#include <string>

#include "core/common/service_error.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

ServiceError driver_fault(const snapmgr::Error& error, const std::string& context);

// Cinder's text for a rejected reference: "Manage existing <kind> failed due to invalid backend
// reference <ref>: <reason>".
ServiceError invalid_reference(const char* kind, const snapmgr::StringMap& reference, const std::string& reason);

}  // namespace snapmgr::core
