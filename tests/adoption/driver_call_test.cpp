// Driver calls that overrun their deadline (the hardening issue): a driver that ignores the
// deadline and then carries on must touch nothing of its caller's (run under ASan with
// detect_stack_use_after_return=1, see CMakeLists.txt), and a hung driver may hold only its
// backend's bulkhead — `max_concurrent_calls` waiting requests and threads — never the others.
#include <dirent.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "tests/adoption/service_fixture.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core::testing {
namespace {

using namespace std::chrono_literals;
using snapmgr::testing::source_name;

// The deadline is 1 s (+0.5 s grace); the driver answers after 2.5 s, when its caller is gone.
constexpr auto kDriverSleep = 2500ms;
constexpr auto kAfterTheDriverReturned = 3500ms;

std::string fake_backend(const std::string& name, const std::string& faults, const std::string& extra = "") {
  return "  - name: " + name + "\n    driver: fake\n" + extra +
         "    options:\n"
         "      volumes: [{name: volume-a, size_bytes: 2147483648}, {name: volume-b, size_bytes: 1073741824}]\n"
         "      snapshots:\n"
         "        - {name: lvol0, size_bytes: 1610612736, origin: volume-a}\n"
         "        - {name: lvol1, size_bytes: 1073741824, origin: volume-a}\n" +
         (faults.empty() ? "" : "      faults: " + faults + "\n");
}

std::string sleeping(const std::string& operation) {
  return "{" + operation + ": {sleep_ms: " + std::to_string(kDriverSleep.count()) + "}}";
}

constexpr const char* kShortDeadline = "call_timeout_s: 1\n";

ManageVolumeRequest volume_request(const std::string& host, const std::string& name) {
  ManageVolumeRequest req;
  req.host = host;
  req.ref = source_name(name);
  req.name = "vol";
  return req;
}

ManageSnapshotRequest snapshot_request(const std::string& volume_id, const std::string& name) {
  ManageSnapshotRequest req;
  req.volume_id = volume_id;
  req.ref = source_name(name);
  req.name = "snap";
  req.metadata = {{"k", "v"}};
  return req;
}

std::string adopted_volume(ServiceHost& host, const std::string& backend) {
  auto row = host.service().manage_volume(volume_request(backend, "volume-a"), host.admin());
  EXPECT_TRUE(row.ok()) << row.error().message;
  if (!row.ok()) return "";
  EXPECT_EQ(host.wait_volume(row->id, "available"), "available");
  return row->id;
}

std::size_t thread_count() {
  std::size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

// --- Every driver-call site with a driver that sleeps past the deadline, then carries on. ---

TEST(DriverCallLifetime, SnapshotInspectionThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("snapshot_size")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  const std::string volume = adopted_volume(host, "node1@f1");
  {
    auto request = snapshot_request(volume, "lvol0");
    auto r = host.service().manage_snapshot(request, host.admin());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().fault, Fault::Timeout) << r.error().message;
  }  // the request and everything it lent are gone before the driver answers
  std::this_thread::sleep_for(kAfterTheDriverReturned);
  EXPECT_TRUE(host.service().list_snapshots({})->empty()) << "no row is left behind";
}

TEST(DriverCallLifetime, VolumeInspectionThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("volume_size")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  {
    auto request = volume_request("node1@f1", "volume-a");
    auto r = host.service().manage_volume(request, host.admin());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().fault, Fault::Timeout) << r.error().message;
  }
  std::this_thread::sleep_for(kAfterTheDriverReturned);
  EXPECT_TRUE(host.service().list_volumes({})->empty());
}

TEST(DriverCallLifetime, SnapshotAdoptionThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("adopt_snapshot")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  const std::string volume = adopted_volume(host, "node1@f1");
  auto row = host.service().manage_snapshot(snapshot_request(volume, "lvol0"), host.admin());
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(host.wait_snapshot(row->id, "error"), "error") << "the adoption step timed out";
  std::this_thread::sleep_for(kAfterTheDriverReturned);
  EXPECT_EQ(host.service().get_snapshot(row->id)->status, "error");
}

TEST(DriverCallLifetime, VolumeAdoptionThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("adopt_volume")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  auto row = host.service().manage_volume(volume_request("node1@f1", "volume-a"), host.admin());
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(host.wait_volume(row->id, "error"), "error");
  std::this_thread::sleep_for(kAfterTheDriverReturned);
  EXPECT_EQ(host.service().get_volume(row->id)->status, "error");
}

TEST(DriverCallLifetime, ReleaseThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("release_snapshot")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  const std::string volume = adopted_volume(host, "node1@f1");
  auto row = host.service().manage_snapshot(snapshot_request(volume, "lvol0"), host.admin());
  ASSERT_TRUE(row.ok()) << row.error().message;
  ASSERT_EQ(host.wait_snapshot(row->id, "available"), "available");
  ASSERT_TRUE(host.service().unmanage_snapshot(row->id, host.admin()).ok());
  EXPECT_EQ(host.wait_snapshot(row->id, "error"), "error") << "the release step timed out";
  std::this_thread::sleep_for(kAfterTheDriverReturned);
}

TEST(DriverCallLifetime, ListingThatReturnsLate) {
  TempDir dir;
  ServiceHost host(dir.path(), fake_backend("f1", sleeping("list_snapshots")), kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  {
    ListingQuery q;
    q.host = "node1@f1";
    auto r = host.service().list_manageable_snapshots(q, host.admin());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().fault, Fault::Timeout);
  }
  std::this_thread::sleep_for(kAfterTheDriverReturned);
}

TEST(DriverCallLifetime, RecoveryAdoptionThatReturnsLate) {
  TempDir dir;
  std::string snapshot_id;
  {
    ServiceHost first(dir.path(), fake_backend("f1", "{adopt_snapshot: {error: stopped here}}"), kShortDeadline);
    ASSERT_TRUE(first.ok()) << first.error();
    const std::string volume = adopted_volume(first, "node1@f1");
    auto row = first.service().manage_snapshot(snapshot_request(volume, "lvol0"), first.admin());
    ASSERT_TRUE(row.ok()) << row.error().message;
    ASSERT_EQ(first.wait_snapshot(row->id, "error"), "error");
    snapshot_id = row->id;
  }
  {
    // As if the process had been killed between the 202 and the end of the adoption step.
    SQLite::Database db((dir.path() / "var" / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE snapshots SET status = 'creating' WHERE id = '" + snapshot_id + "'");
  }
  ServiceHost second(dir.path(), fake_backend("f1", sleeping("adopt_snapshot")), kShortDeadline);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second.service().get_snapshot(snapshot_id)->status, "error") << "recovery's adoption step timed out";
  std::this_thread::sleep_for(kAfterTheDriverReturned);
}

// --- The bulkhead. ---

// In process: abandoned calls hold their places (in a worker process a hung call kills the worker
// instead, tests/isolation/).
const std::string kSickAndHealthy = fake_backend("sick", "{list_snapshots: {hang: true}, snapshot_size: {hang: true}}",
                                                 "    max_concurrent_calls: 4\n    isolation: in_process\n") +
                                    fake_backend("healthy", "");

TEST(DriverCallBulkhead, AHungBackendHoldsOnlyItsOwnPlacesAndHealthyOnesNeverWait) {
  TempDir dir;
  ServiceHost host(dir.path(), kSickAndHealthy, "call_timeout_s: 3\n");
  ASSERT_TRUE(host.ok()) << host.error();
  std::atomic<int> timeouts{0}, refused{0}, other{0};
  std::mutex mutex;
  std::string refusal;
  std::vector<std::thread> requests;
  for (int i = 0; i < 12; ++i) {
    requests.emplace_back([&] {
      ListingQuery q;
      q.host = "node1@sick";
      auto r = host.service().list_manageable_snapshots(q, host.admin());
      if (!r.ok() && r.error().fault == Fault::Timeout) {
        ++timeouts;
      } else if (!r.ok() && r.error().fault == Fault::Unavailable) {
        ++refused;
        std::lock_guard lock(mutex);
        refusal = r.error().message;
      } else {
        ++other;
      }
    });
  }
  std::this_thread::sleep_for(300ms);  // the sick backend's places are taken by now
  EXPECT_EQ(refused.load(), 8) << "refused at once, without waiting for the deadline";
  const auto start = std::chrono::steady_clock::now();
  ListingQuery healthy;
  healthy.host = "node1@healthy";
  auto listed = host.service().list_manageable_snapshots(healthy, host.admin());
  EXPECT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "a healthy backend never waits on a sick one";
  for (auto& t : requests) t.join();
  EXPECT_EQ(timeouts.load(), 4);
  EXPECT_EQ(refused.load(), 8);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(refusal,
            "Backend node1@sick is busy: 4 requests are already waiting on its driver (max_concurrent_calls); try "
            "again later.");
  // The waiters are gone; the hung driver calls still run and keep their places (one per fetch:
  // a request that arrived after a fetch started waits for the next one).
  const std::size_t held = host.setup().backends->find("node1@sick")->gate->in_use();
  EXPECT_GE(held, 1u);
  EXPECT_LE(held, 2u);
  EXPECT_EQ(host.setup().backends->find("node1@healthy")->gate->in_use(), 0u);
}

TEST(DriverCallBulkhead, AbandonedCallsOfAHungBackendKeepABoundedNumberOfThreads) {
  TempDir dir;
  ServiceHost host(dir.path(), kSickAndHealthy, kShortDeadline);
  ASSERT_TRUE(host.ok()) << host.error();
  const std::string volume = adopted_volume(host, "node1@sick");
  const std::size_t before = thread_count();
  int timeouts = 0, refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = host.service().manage_snapshot(snapshot_request(volume, "lvol0"), host.admin());
    ASSERT_FALSE(r.ok());
    timeouts += r.error().fault == Fault::Timeout;
    refused += r.error().fault == Fault::Unavailable;
  }
  EXPECT_EQ(timeouts, 4) << "one abandoned inspection per place";
  EXPECT_EQ(refused, 36);
  EXPECT_LE(thread_count(), before + 4) << "40 inspections of a hung driver keep at most max_concurrent_calls threads";
}

}  // namespace
}  // namespace snapmgr::core::testing
