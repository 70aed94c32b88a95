// Several PostgresCatalog instances on one database, as several snapmgrd nodes share one: a write
// through one changes the generation another sees, a queued job wakes the other's workers, and a
// PostgreSQL restart makes each listener connect again and count as "everything changed". Part
// of postgres_catalog_test (its shared server, postgres_test_server.hpp).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/postgres_catalog.hpp"
#include "core/catalog/postgres_test_server.hpp"

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;
using testing::PostgresTestServer;

PostgresTestServer& notification_server() { return testing::shared_postgres(); }

// Two catalogs ("nodes") on a database of their own.
class PostgresNotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    database_ = "notify_" + std::to_string(++counter);
    std::string error;
    if (!notification_server().running()) {
      ASSERT_TRUE(notification_server().restart(error)) << error;
    }
    notification_server().create_database(database_);
    a_ = open();
    b_ = open();
    ASSERT_TRUE(a_ && b_);
  }
  std::unique_ptr<PostgresCatalog> open() {
    PostgresSettings s;
    s.url = notification_server().url(database_);
    s.password = PostgresTestServer::kPassword;
    s.connect_timeout_s = 2;
    auto opened = PostgresCatalog::open(s);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(*opened) : nullptr;
  }
  // Polls `condition` every 10 ms for at most `limit`.
  static bool within(std::chrono::milliseconds limit, const std::function<bool()>& condition) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
  int listeners() {
    auto rows = notification_server().query("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                                            database_ + "' AND application_name = 'snapmgrd-listener'");
    return std::stoi(rows[0][0]);
  }

  std::string database_;
  std::unique_ptr<PostgresCatalog> a_, b_;
};

TEST_F(PostgresNotificationTest, AWriteThroughOneNodeChangesTheGenerationTheOtherSees) {
  const auto a0 = a_->generation(), b0 = b_->generation();
  ASSERT_TRUE(a_->insert_volume(volume("v1", "volume-a")).ok());
  EXPECT_TRUE(within(5000ms, [&] { return b_->generation() != b0; })) << "the other node's reuse is stale";
  EXPECT_EQ(b_->generation() % 2, 0u) << "and its generation even: nothing is being written there";
  EXPECT_EQ(b_->generation(), b0 + 2);

  RowUpdate error;
  error.status = "error";
  ASSERT_TRUE(*a_->update_volume("v1", error));
  EXPECT_TRUE(within(5000ms, [&] { return b_->generation() == b0 + 4; })) << "an update too";
  ASSERT_TRUE(a_->update_metadata(ObjectKind::Volume, "v1", {{"x", "y"}}, false)->has_value());
  EXPECT_TRUE(within(5000ms, [&] { return b_->generation() == b0 + 6; })) << "and a metadata write";
  EXPECT_EQ(a_->generation(), a0 + 6) << "a node's own notifications are not counted twice";
}

TEST_F(PostgresNotificationTest, AQueuedJobWakesTheOtherNodesWorkersAndOtherWritesDoNot) {
  const auto b0 = b_->generation();
  std::mutex mutex;
  std::condition_variable woken;
  int wakes = 0;
  b_->on_jobs_queued([&] {
    std::lock_guard lock(mutex);
    ++wakes;
    woken.notify_all();
  });
  auto settled = volume("v1", "volume-a");  // `available`: no job
  ASSERT_TRUE(a_->insert_volume(settled).ok());
  auto queued = volume("v2", "volume-b");
  queued.status = "creating";
  ASSERT_TRUE(a_->insert_volume(queued).ok());
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(woken.wait_for(lock, 5s, [&] { return wakes > 0; }));
    EXPECT_EQ(wakes, 1) << "notifications arrive in commit order: the first insert did not wake";
  }
  RowUpdate unmanage;
  unmanage.status = "unmanaging";
  ASSERT_TRUE(*a_->update_volume("v1", unmanage));
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(woken.wait_for(lock, 5s, [&] { return wakes == 2; })) << "an unmanage queues a job too";
  }
  b_->on_jobs_queued(nullptr);
  ASSERT_TRUE(a_->insert_volume([] {
                  auto v = volume("v3", "volume-c");
                  v.status = "creating";
                  return v;
                }())
                  .ok());
  ASSERT_TRUE(within(5000ms, [&] { return b_->generation() == b0 + 8; })) << "its notification arrived";
  std::lock_guard lock(mutex);
  EXPECT_EQ(wakes, 2) << "a removed handler is not called";
}

TEST_F(PostgresNotificationTest, ARestartMakesTheListenerReconnectAndCountAsEverythingChanged) {
  std::atomic<int> wakes{0};
  b_->on_jobs_queued([&] { ++wakes; });
  ASSERT_EQ(listeners(), 2);
  const auto b0 = b_->generation();
  std::string error;
  ASSERT_TRUE(notification_server().restart(error)) << error;
  EXPECT_TRUE(within(10000ms, [&] { return b_->generation() >= b0 + 4; }))
      << "bumped when the connection broke and again once it listens anew";
  EXPECT_EQ(b_->generation() % 2, 0u);
  EXPECT_GE(wakes.load(), 1) << "missed notifications may have queued jobs";
  EXPECT_TRUE(within(10000ms, [&] { return listeners() == 2; }));

  // It LISTENs again: a write after the restart reaches the other node.
  const auto b1 = b_->generation();
  ServiceStatus written = ServiceError{Fault::Internal, "not tried"};
  within(5000ms, [&] { return (written = a_->insert_volume(volume("v1", "volume-a"))).ok(); });
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_TRUE(within(5000ms, [&] { return b_->generation() > b1; }));
}

TEST_F(PostgresNotificationTest, ClosingACatalogStopsItsListenerAtOnce) {
  ASSERT_EQ(listeners(), 2);
  const auto started = std::chrono::steady_clock::now();
  a_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(within(5000ms, [&] { return listeners() == 1; })) << "its connection is closed";
}

}  // namespace
}  // namespace snapmgr::core
