// Calls into a driver bounded by a deadline, whatever the driver does. The SDK asks drivers to
// respect `call.deadline`, but a broken or hung driver must not take a request thread, an
// adoption worker or shutdown with it: the call runs on its own thread, and when the deadline
// (plus a short grace) passes first the caller gets Timeout and the thread is abandoned — it
// finishes into state it shares with nobody but the (kept-alive) result slot.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::core {

inline constexpr std::chrono::milliseconds kDeadlineGrace{500};

// `fn(const snapmgr::Call&)` returns snapmgr::Result<T> or snapmgr::Status.
template <class Fn>
auto call_with_deadline(const snapmgr::Call& call, const std::string& what, Fn fn)
    -> std::invoke_result_t<Fn, const snapmgr::Call&> {
  using R = std::invoke_result_t<Fn, const snapmgr::Call&>;
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  std::thread([promise, call, fn = std::move(fn)]() mutable {
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

// A Call whose deadline is `timeout` from now.
inline snapmgr::Call call_within(std::chrono::seconds timeout, std::string request_id) {
  snapmgr::Call call;
  call.deadline = snapmgr::Call::Clock::now() + timeout;
  call.request_id = std::move(request_id);
  return call;
}

}  // namespace snapmgr::core
