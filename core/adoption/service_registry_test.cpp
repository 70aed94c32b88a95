#include "core/adoption/service_registry.hpp"

#include <gtest/gtest.h>

#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;

TEST(ServiceHostMatches, AsCindersFilterHost) {
  // Host level: exact, "<value>@…" and "<value>#…".
  EXPECT_TRUE(service_host_matches("node1@fake1", "node1"));
  EXPECT_FALSE(service_host_matches("node10@fake1", "node1"));
  EXPECT_FALSE(service_host_matches("node1@fake1", "node"));
  // Backend level: exact and "<value>#…", never a longer backend name.
  EXPECT_TRUE(service_host_matches("node1@fake1", "node1@fake1"));
  EXPECT_FALSE(service_host_matches("node1@fake10", "node1@fake1"));
  // Pool level: exact only, and service hosts have no pool.
  EXPECT_FALSE(service_host_matches("node1@fake1", "node1@fake1#fake1"));
  EXPECT_FALSE(service_host_matches("node1@fake1", "NODE1"));  // case-sensitive
  EXPECT_FALSE(service_host_matches("node1@fake1", "node_"));  // literal, not LIKE
}

TEST(ServiceIsUp, WithinTheDownTimeEitherWay) {
  const auto now = *parse_timestamp("2026-12-03T15:01:00.000000");
  EXPECT_TRUE(service_is_up("2026-12-03T15:00:00.000000", now, 60s));
  EXPECT_FALSE(service_is_up("2026-12-03T14:59:59.999999", now, 60s));
  EXPECT_TRUE(service_is_up("2026-12-03T15:02:00.000000", now, 60s));  // a clock ahead of ours
  EXPECT_FALSE(service_is_up("2026-12-03T15:02:00.000001", now, 60s));
  EXPECT_FALSE(service_is_up("", now, 60s));
  EXPECT_FALSE(service_is_up("yesterday", now, 60s));
}

TEST(Timestamps, ParseWhatNowTimestampWrites) {
  auto text = now_timestamp();
  auto at = parse_timestamp(text);
  ASSERT_TRUE(at);
  auto age = std::chrono::system_clock::now() - *at;
  EXPECT_GE(age, 0s);
  EXPECT_LT(age, 5s);
  EXPECT_EQ(*parse_timestamp("1970-01-01T00:00:01.5"), std::chrono::system_clock::time_point(1500ms));
  EXPECT_FALSE(parse_timestamp("2026-12-03 15:00:00"));
  EXPECT_FALSE(parse_timestamp("2026-12-03T15:00:00."));
  EXPECT_FALSE(parse_timestamp("2026-12-03T15:00:00.0000001"));
}

}  // namespace
}  // namespace snapmgr::core
