// snapmgr plugin SDK — keeping exceptions on the driver's side of the boundary.
//
// Purpose: every driver method is `noexcept` (result.hpp); an exception escaping one calls
// std::terminate and stops the whole host. `guarded(what, body)` runs a method's body and turns
// any exception it lets out into an Error value, so a driver writes
//
//   Status MyDriver::stream_volumes(const Call& call, VolumeSink& out) noexcept {
//     return guarded("mydriver: list_volumes", [&]() -> Status { ...; return Status::success(); });
//   }
//
// instead of a try/catch in every method. The Error is BackendError with the message
// "<what> failed unexpectedly: <cause>", where the cause is the exception's what() for a
// std::exception and "unknown exception" for anything else thrown. An exception that means
// something specific to the driver (a parse error that is really InvalidConfig) is still caught
// inside the body and turned into its own error; `guarded` is for what nobody expected.
//
// Ownership/thread-safety: stateless functions; the body runs on the calling thread.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "snapmgr/result.hpp"

namespace snapmgr {

// The Error `guarded` returns for `exception` (thrown while doing `what`). Never throws: when
// even the message cannot be built (out of memory), the Error has the code and no message.
inline Error unexpected_exception(std::string_view what, const std::exception_ptr& exception) noexcept {
  try {
    std::string cause = "unknown exception";
    try {
      if (exception) std::rethrow_exception(exception);
    } catch (const std::exception& e) {
      cause = e.what();
    } catch (...) {}
    return Error::backend(std::string(what) + " failed unexpectedly: " + cause);
  } catch (...) {
    return Error(ErrorCode::BackendError, std::string());
  }
}

// Runs `body` and returns what it returns (a Status or a Result<T>); an exception `body` lets
// out becomes unexpected_exception(what, ...). `what` names the operation for the operator, by
// convention "<driver>: <operation>", e.g. "lvm: adopt_snapshot".
template <class F>
auto guarded(std::string_view what, F&& body) noexcept -> decltype(std::forward<F>(body)()) {
  using Returned = decltype(std::forward<F>(body)());
  static_assert(std::is_constructible_v<Returned, Error>, "guarded: the body must return Status or Result<T>");
  try {
    return std::forward<F>(body)();
  } catch (...) {
    return unexpected_exception(what, std::current_exception());
  }
}

}  // namespace snapmgr
