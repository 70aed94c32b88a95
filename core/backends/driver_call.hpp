// Calls into a driver bounded by a deadline, whatever the driver does, and inside the backend's
// bulkhead (backends/call_gate.hpp). The SDK asks drivers to respect `call.deadline`, but a
// broken or hung driver must not take a request thread, an adoption worker or shutdown with it:
// the call runs on its own thread, and when the deadline (plus a short grace) passes first the
// caller gets Timeout and stops waiting (a driver in a worker process is called on the caller's
// thread instead: its proxy answers by the deadline, killing the worker if it must, so nothing is
// abandoned). The thread goes on until the driver returns, so
//   - `fn` must own everything it touches: capture copies (references, ids) and shared_ptrs,
//     never references to the caller's locals or members that may be gone by then; the driver
//     itself is kept alive by the registry while any of its calls runs (BackendRegistry);
//   - the thread keeps the caller's gate ticket until the driver returns, so the threads a hung
//     driver can hold are bounded by its backend's `max_concurrent_calls`.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

#include "core/backends/backend_registry.hpp"
#include "core/common/service_error.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::core {

inline constexpr std::chrono::milliseconds kDeadlineGrace{500};

// `fn(const snapmgr::Call&)` returns snapmgr::Result<T> or snapmgr::Status.
template <class Fn>
auto call_with_deadline(const snapmgr::Call& call, const std::string& what, CallGate::Ticket ticket, Fn fn)
    -> std::invoke_result_t<Fn, const snapmgr::Call&> {
  using R = std::invoke_result_t<Fn, const snapmgr::Call&>;
  if (ticket.bounded_calls()) return fn(call);  // a worker's proxy: it returns by the deadline itself
  static_assert(std::is_move_constructible_v<Fn>, "the driver call is moved onto its thread");
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  std::thread([promise, call, ticket = std::move(ticket), fn = std::move(fn)]() mutable {
    try {
      promise->set_value(fn(call));
    } catch (...) {
      promise->set_value(snapmgr::Error::backend(
          "the driver threw an exception through its noexcept boundary"));  // unreachable if noexcept holds
    }
  }).detach();
  if (future.wait_until(call.deadline + kDeadlineGrace) != std::future_status::ready) {
    return snapmgr::Error::timeout(what + " did not answer before its deadline");
  }
  return future.get();
}

// The answer when a backend's bulkhead is full.
inline ServiceError backend_busy(const Backend& backend) {
  return {Fault::Unavailable,
          "Backend " + backend.key + " is busy: " + std::to_string(backend.gate->limit()) +
              " requests are already waiting on its driver (max_concurrent_calls); try again later."};
}

// A request's place in `backend`'s bulkhead, now or never (503 when full).
inline ServiceResult<CallGate::Ticket> enter_now(const Backend& backend) {
  auto ticket = backend.gate->try_enter();
  if (!ticket) return backend_busy(backend);
  return std::move(*ticket);
}

// A background job's place: it waits up to `timeout` for one.
inline ServiceResult<CallGate::Ticket> enter_within(const Backend& backend, std::chrono::seconds timeout) {
  auto ticket = backend.gate->enter_until(std::chrono::steady_clock::now() + timeout);
  if (!ticket) return backend_busy(backend);
  return std::move(*ticket);
}

// A Call whose deadline is `timeout` from now.
inline snapmgr::Call call_within(std::chrono::seconds timeout, std::string request_id) {
  snapmgr::Call call;
  call.deadline = snapmgr::Call::Clock::now() + timeout;
  call.request_id = std::move(request_id);
  return call;
}

}  // namespace snapmgr::core
