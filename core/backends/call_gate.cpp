#include "core/backends/call_gate.hpp"

namespace snapmgr::core {

std::size_t CallGate::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::optional<CallGate::Ticket> CallGate::try_enter() {
  std::lock_guard lock(mutex_);
  if (in_use_ >= limit_) return std::nullopt;
  ++in_use_;
  return Ticket(shared_from_this());
}

std::optional<CallGate::Ticket> CallGate::enter_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, deadline, [this] { return in_use_ < limit_; })) return std::nullopt;
  ++in_use_;
  return Ticket(shared_from_this());
}

bool CallGate::wait_idle_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return in_use_ == 0; });
}

void CallGate::leave() {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
  }
  changed_.notify_all();
}

CallGate::Ticket& CallGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (gate_) gate_->leave();
    gate_ = std::move(other.gate_);
  }
  return *this;
}

CallGate::Ticket::~Ticket() {
  if (gate_) gate_->leave();
}

}  // namespace snapmgr::core
