#include "inspection_memo.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace snapmgr::lvm {
namespace {

using namespace std::chrono_literals;

LvRow row(const std::string& name) {
  LvRow r;
  r.name = name;
  return r;
}

TEST(InspectionMemo, AnEntryIsTakenOnce) {
  InspectionMemo memo;
  memo.remember("s/snap-a1/vol-a", row("snap-a1"));
  auto taken = memo.take("s/snap-a1/vol-a");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->name, "snap-a1");
  EXPECT_FALSE(memo.take("s/snap-a1/vol-a"));
  EXPECT_FALSE(memo.take("s/other/vol-a"));
}

TEST(InspectionMemo, OldEntriesAreNotTaken) {
  InspectionMemo memo(20ms);
  memo.remember("v/vol-b", row("vol-b"));
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(memo.take("v/vol-b"));
}

TEST(InspectionMemo, KeepsAtMostItsCapacityDroppingTheOldest) {
  InspectionMemo memo(10s, 2);
  memo.remember("a", row("a"));
  std::this_thread::sleep_for(2ms);
  memo.remember("b", row("b"));
  memo.remember("c", row("c"));
  EXPECT_FALSE(memo.take("a"));
  EXPECT_TRUE(memo.take("b"));
  EXPECT_TRUE(memo.take("c"));
}

}  // namespace
}  // namespace snapmgr::lvm
