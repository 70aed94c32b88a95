#include "core/backends/driver_errors.hpp"

#include "core/catalog/reference_codec.hpp"
#include "core/common/echoed.hpp"

namespace snapmgr::core {

ServiceError driver_fault(const snapmgr::Error& error, const std::string& context) {
  const std::string message = context + ": " + echoed(error.message());
  switch (error.code()) {
    case snapmgr::ErrorCode::InvalidReference: return {Fault::BadRequest, message};
    case snapmgr::ErrorCode::NotFound: return {Fault::NotFound, message};
    case snapmgr::ErrorCode::AlreadyManaged:
    case snapmgr::ErrorCode::InUse: return {Fault::Conflict, message};
    case snapmgr::ErrorCode::NotSupported: return {Fault::NotImplemented, message};
    case snapmgr::ErrorCode::Timeout: return {Fault::Timeout, message};
    case snapmgr::ErrorCode::BackendError:
    case snapmgr::ErrorCode::InvalidConfig: return {Fault::BackendFailure, message};
  }
  return {Fault::Internal, message};
}

ServiceError invalid_reference(const char* kind, const snapmgr::StringMap& reference, const std::string& reason) {
  return {Fault::BadRequest, std::string("Manage existing ") + kind + " failed due to invalid backend reference " +
                                 echoed(to_canonical_json(reference)) + ": " + echoed(reason)};
}

}  // namespace snapmgr::core
