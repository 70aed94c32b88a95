// The bulkhead of a backend: places, refusal when full, waiting, tickets that outlive the caller.
#include "core/backends/call_gate.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;

TEST(CallGate, RefusesAtOnceWhenEveryPlaceIsTaken) {
  auto gate = std::make_shared<CallGate>(2);
  auto a = gate->try_enter();
  auto b = gate->try_enter();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(gate->in_use(), 2u);
  EXPECT_FALSE(gate->try_enter());
  a.reset();
  EXPECT_EQ(gate->in_use(), 1u);
  EXPECT_TRUE(gate->try_enter());  // taken and given back at once
  EXPECT_EQ(gate->in_use(), 1u);
}

TEST(CallGate, WaitingEntryGetsAPlaceWhenOneIsFreedOrGivesUpAtItsDeadline) {
  auto gate = std::make_shared<CallGate>(1);
  auto held = gate->try_enter();
  ASSERT_TRUE(held);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(gate->enter_until(start + 50ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);

  std::thread releaser([&held] {
    std::this_thread::sleep_for(30ms);
    held.reset();
  });
  auto got = gate->enter_until(std::chrono::steady_clock::now() + 5s);
  releaser.join();
  EXPECT_TRUE(got);
}

TEST(CallGate, MovedTicketsLeaveOnceAndKeepTheGateAlive) {
  std::optional<CallGate::Ticket> kept;
  std::weak_ptr<CallGate> weak;
  {
    auto gate = std::make_shared<CallGate>(1);
    weak = gate;
    auto t = gate->try_enter();
    ASSERT_TRUE(t);
    kept.emplace(std::move(*t));
    t.reset();  // the moved-from ticket gives nothing back
    EXPECT_EQ(gate->in_use(), 1u);
  }
  EXPECT_FALSE(weak.expired()) << "a ticket keeps its gate alive";
  kept.reset();
  EXPECT_TRUE(weak.expired());
}

TEST(CallGate, WaitIdleReturnsWhenTheLastTicketLeaves) {
  auto gate = std::make_shared<CallGate>(4);
  EXPECT_TRUE(gate->wait_idle_until(std::chrono::steady_clock::now()));
  auto t = gate->try_enter();
  EXPECT_FALSE(gate->wait_idle_until(std::chrono::steady_clock::now() + 20ms));
  std::thread releaser([&t] {
    std::this_thread::sleep_for(20ms);
    t.reset();
  });
  EXPECT_TRUE(gate->wait_idle_until(std::chrono::steady_clock::now() + 5s));
  releaser.join();
}

}  // namespace
}  // namespace snapmgr::core
