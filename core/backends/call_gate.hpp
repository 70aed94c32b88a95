// A backend's bulkhead: at most `limit` requests and jobs wait on its driver at once, so that a
// hung or slow driver can hold only its own share of the request workers and threads — a
// healthy backend never waits behind a sick one.
//
// A Ticket is one place in the gate. A request holds one while it waits on the driver (its own
// call, or a listing another request is fetching); a driver call's thread holds one until the
// driver returns, even when the caller stopped waiting at the deadline, so abandoned calls count
// too and the threads a hung driver can keep are bounded by `limit`.
//
// Thread-safety: all methods may run concurrently. Ownership: tickets share the gate, so a
// ticket may outlive whoever took it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>

namespace snapmgr::core {

class CallGate : public std::enable_shared_from_this<CallGate> {
 public:
  class Ticket;
  // `bounded_calls`: the driver's calls end by their deadline by themselves — a driver in a worker
  // process, whose proxy kills the worker when a call overruns — so they need no thread of their
  // own (driver_call.hpp).
  explicit CallGate(std::size_t limit, bool bounded_calls = false) : limit_(limit), bounded_calls_(bounded_calls) {}

  std::size_t limit() const { return limit_; }
  bool bounded_calls() const { return bounded_calls_; }
  std::size_t in_use() const;

  // A place now, or nullopt when all `limit` places are taken.
  std::optional<Ticket> try_enter();
  // A place as soon as one is free, or nullopt if none is free by `deadline`.
  std::optional<Ticket> enter_until(std::chrono::steady_clock::time_point deadline);
  // Waits until no place is taken, at most until `deadline`; true when the gate is empty.
  bool wait_idle_until(std::chrono::steady_clock::time_point deadline);

 private:
  void leave();

  const std::size_t limit_;
  const bool bounded_calls_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t in_use_ = 0;
};

class CallGate::Ticket {
 public:
  Ticket(Ticket&& other) noexcept = default;
  Ticket& operator=(Ticket&& other) noexcept;
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
  ~Ticket();
  bool bounded_calls() const { return gate_ && gate_->bounded_calls(); }

 private:
  friend class CallGate;
  explicit Ticket(std::shared_ptr<CallGate> gate) : gate_(std::move(gate)) {}
  std::shared_ptr<CallGate> gate_;
};

}  // namespace snapmgr::core
