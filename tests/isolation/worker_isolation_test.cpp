// WorkerProcess and WorkerDriver (host/isolation/) against real worker processes: the fake
// driver with its crash, exit and deadline faults, and a plugin that writes garbage to stdout.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "host/isolation/worker_driver.hpp"
#include "host/yaml_values.hpp"
#include "snapmgr/collect.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;
using snapmgr::testing::source_name;
using snapmgr::testing::test_call;

const std::string kFake = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_fake.so";

const char* kInventory =
    "{volumes: [{name: volume-a, size_bytes: 1073741824}, {name: volume-b, size_bytes: 5, in_use: true}],"
    " snapshots: [{name: s1, size_bytes: 7, origin: volume-a, extra_info: {pool: gold}},"
    " {name: s2, size_bytes: 8, origin: volume-a, reason: has clones}]";

// The lines the worker's driver logged and wrote, as the backend's logger receives them.
class CollectingLogger final : public snapmgr::Logger {
 public:
  void write(snapmgr::LogLevel, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool saw(const std::string& part) const {
    std::lock_guard lock(mutex_);
    for (const auto& l : lines_)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

std::uint32_t kAll = 0;

class WorkerIsolation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (auto c : snapmgr::kAllCapabilities) kAll |= static_cast<std::uint32_t>(c);
  }

  // A worker for `plugin` with the fake's options `yaml` (faults added to the inventory).
  std::unique_ptr<WorkerDriver> start(const std::string& yaml, const std::string& plugin = kFake,
                                      std::uint32_t capabilities = kAll) {
    WorkerSettings s;
    s.executable = SNAPMGR_DAEMON;
    s.plugin_path = plugin;
    s.backend = "node1@isolated";
    s.state_dir = "/tmp";
    s.options = to_option_value(YAML::Load(yaml));
    s.init_timeout = 5s;
    s.first_backoff = 100ms;
    auto worker = std::make_unique<WorkerProcess>(std::move(s), logger_);
    return std::make_unique<WorkerDriver>(std::move(worker), capabilities);
  }

  static void wait_running(const WorkerDriver& d) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!d.worker().running() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(d.worker().running()) << d.worker().state();
  }

  static std::string with_faults(const std::string& faults) {
    std::string y = kInventory;
    return y + ", faults: " + faults + "}";
  }

  CollectingLogger logger_;
};

TEST_F(WorkerIsolation, TheDriverAnswersThroughItsWorkerAsItDoesInProcess) {
  auto d = start(std::string(kInventory) + "}");
  ASSERT_TRUE(d->worker().running()) << d->worker().state();
  EXPECT_NE(d->worker().pid(), ::getpid());
  auto local = snapmgr::testing::load_test_driver(kFake, std::string(kInventory) + "}");
  ASSERT_TRUE(local.driver) << local.error;
  auto remote_snapshots = snapmgr::list_snapshots(*d->snapshot_discovery(), test_call());
  auto local_snapshots = snapmgr::list_snapshots(*(*local.driver)->snapshot_discovery(), test_call());
  ASSERT_TRUE(remote_snapshots.ok() && local_snapshots.ok());
  ASSERT_EQ(remote_snapshots->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*remote_snapshots)[i].reference, (*local_snapshots)[i].reference);
    EXPECT_EQ((*remote_snapshots)[i].size_bytes, (*local_snapshots)[i].size_bytes);
    EXPECT_EQ((*remote_snapshots)[i].source_reference, (*local_snapshots)[i].source_reference);
    EXPECT_EQ((*remote_snapshots)[i].reason, (*local_snapshots)[i].reason);
    EXPECT_EQ((*remote_snapshots)[i].extra_info, (*local_snapshots)[i].extra_info);
  }
  auto volumes = snapmgr::list_volumes(*d->volume_discovery(), test_call());
  ASSERT_TRUE(volumes.ok());
  ASSERT_EQ(volumes->size(), 2u);
  EXPECT_TRUE((*volumes)[1].in_use || (*volumes)[0].in_use);

  auto inspected = d->volume_adoption()->inspect_volume(test_call(), source_name("volume-a"));
  ASSERT_TRUE(inspected.ok()) << inspected.error().message();
  EXPECT_EQ(inspected->size_bytes, 1073741824u);
  auto missing = d->volume_adoption()->inspect_volume(test_call(), source_name("nothing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), snapmgr::ErrorCode::InvalidReference) << "the driver's own error code";
  const std::string id = "7c064b34-1e4b-40bd-93ca-4ac5a973661b";
  auto adopted = d->volume_adoption()->adopt_volume(test_call(), source_name("volume-a"), id);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  EXPECT_EQ(*adopted, source_name("volume-" + id));
  EXPECT_TRUE(d->volume_release()->release_volume(test_call(), *adopted, id).ok());
}

TEST_F(WorkerIsolation, ConcurrentCallsShareOneWorker) {
  auto d = start(std::string(kInventory) + "}");
  std::vector<std::thread> callers;
  std::atomic<int> good{0};
  for (int t = 0; t < 16; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = snapmgr::list_snapshots(*d->snapshot_discovery(), test_call());
        if (r.ok() && r->size() == 2) ++good;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(good.load(), 16 * 20);
}

TEST_F(WorkerIsolation, ACrashFailsItsCallNamingTheSignalAndTheWorkerComesBack) {
  auto d = start(with_faults("{list_volumes: {crash: true}}"));
  ASSERT_TRUE(d->worker().running()) << d->worker().state();
  auto crashed = snapmgr::list_volumes(*d->volume_discovery(), test_call());
  ASSERT_FALSE(crashed.ok());
  const std::string message = crashed.error().message();
  EXPECT_EQ(crashed.error().code(), snapmgr::ErrorCode::BackendError);
  EXPECT_NE(message.find("backend node1@isolated: the driver's worker (pid "), std::string::npos) << message;
  EXPECT_NE(message.find("was killed by signal 11 (SIGSEGV) during listing volumes"), std::string::npos) << message;
  EXPECT_NE(message.find("the driver's last lines: fake: list_volumes crashes"), std::string::npos) << message;
  auto meanwhile = snapmgr::list_snapshots(*d->snapshot_discovery(), test_call());
  if (!meanwhile.ok()) {  // before the restart: at once, naming the cause
    EXPECT_NE(meanwhile.error().message().find("is down: its driver's worker"), std::string::npos)
        << meanwhile.error().message();
  }
  ASSERT_NO_FATAL_FAILURE(wait_running(*d));
  EXPECT_EQ(d->worker().restarts(), 1);
  auto again = snapmgr::list_snapshots(*d->snapshot_discovery(), test_call());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->size(), 2u);
  EXPECT_TRUE(logger_.saw("fake: list_volumes crashes (fault injection: SIGSEGV)"));
}

TEST_F(WorkerIsolation, AnExitIsReportedWithItsStatus) {
  auto d = start(with_faults("{adopt_volume: {exit: 3}}"));
  auto r = d->volume_adoption()->adopt_volume(test_call(), source_name("volume-a"), "x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("exited with status 3 during adopting a volume"), std::string::npos)
      << r.error().message();
}

TEST_F(WorkerIsolation, ACallPastItsDeadlineKillsTheWorker) {
  auto d = start(with_faults("{list_volumes: {sleep_ms: 20000}}"));
  const pid_t first = d->worker().pid();
  const auto began = std::chrono::steady_clock::now();
  auto r = snapmgr::list_volumes(*d->volume_discovery(), test_call(300ms));
  const auto took = std::chrono::steady_clock::now() - began;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), snapmgr::ErrorCode::Timeout);
  EXPECT_NE(r.error().message().find("the driver did not finish listing volumes by its deadline; its worker (pid " +
                                     std::to_string(first) + ") was killed"),
            std::string::npos)
      << r.error().message();
  EXPECT_LT(took, 300ms + WorkerProcess::kDeadlineGrace + 1s);
  const auto until = std::chrono::steady_clock::now() + 10s;  // the supervisor notices, then restarts it
  while ((d->worker().pid() == first || !d->worker().running()) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(d->worker().running()) << d->worker().state();
  EXPECT_NE(d->worker().pid(), first);
  EXPECT_NE(::kill(first, 0), 0) << "the hung worker is gone";
  EXPECT_TRUE(snapmgr::list_snapshots(*d->snapshot_discovery(), test_call()).ok());
}

TEST_F(WorkerIsolation, ARefusedDriverIsNotRestartedAndAnInitialisationThatDiesIs) {
  auto refused = start(with_faults("{init: {error: disk on fire}}"));
  ASSERT_TRUE(refused->worker().refused());
  EXPECT_NE(refused->worker().refused()->find("disk on fire"), std::string::npos) << *refused->worker().refused();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(refused->worker().restarts(), 0);

  auto dying = start(with_faults("{init: {exit: 0}}"));
  EXPECT_FALSE(dying->worker().refused());
  EXPECT_FALSE(dying->worker().running());
  auto r = snapmgr::list_snapshots(*dying->snapshot_discovery(), test_call());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("exited with status 0 while the driver was initialising"), std::string::npos)
      << r.error().message();
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (dying->worker().restarts() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
  EXPECT_GE(dying->worker().restarts(), 2) << "restarted with backoff: " << dying->worker().state();
}

TEST_F(WorkerIsolation, WhatTheDriverWritesToStdoutNeverReachesTheChannel) {
  auto d = start("{}", std::string(SNAPMGR_BROKEN_PLUGIN_DIR) + "/libsnapmgr_stdout_garbage.so",
                 static_cast<std::uint32_t>(snapmgr::Capability::VolumeDiscovery));
  ASSERT_TRUE(d->worker().running()) << d->worker().state();
  for (int i = 0; i < 3; ++i) {
    auto r = snapmgr::list_volumes(*d->volume_discovery(), test_call());
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].reference, source_name("volume-garbage"));
    ASSERT_NE((*r)[0].extra_info.find("raw"), nullptr);
    EXPECT_EQ(*(*r)[0].extra_info.find("raw"), std::string("\xff\xfe not UTF-8 \x00 with a NUL", 25))
        << "bytes that are not UTF-8 cross the channel unchanged";
  }
  EXPECT_EQ(d->worker().restarts(), 0);
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (!logger_.saw("driver output: ?") && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(logger_.saw("hello not a message")) << "the driver's output is logged as its lines";
}

// A driver that allocates without bound is stopped by its worker's memory limit: its worker ends,
// the host does not. (A sanitizer build cannot limit its address space, and says so instead.)
TEST_F(WorkerIsolation, AMemoryLimitEndsALeakingDriversWorkerNotTheHost) {
  WorkerSettings s;
  s.executable = SNAPMGR_DAEMON;
  s.plugin_path = std::string(SNAPMGR_BROKEN_PLUGIN_DIR) + "/libsnapmgr_allocates.so";
  s.backend = "node1@leaky";
  s.state_dir = "/tmp";
  s.init_timeout = 5s;
  s.first_backoff = 100ms;
  s.memory_limit_mib = 256;
  WorkerDriver d(std::make_unique<WorkerProcess>(std::move(s), logger_),
                 static_cast<std::uint32_t>(snapmgr::Capability::VolumeDiscovery));
  ASSERT_TRUE(d.worker().running()) << d.worker().state();
  if (std::getenv("SNAPMGR_SANITIZED")) {
    EXPECT_TRUE(logger_.saw("worker.memory_limit_mib is not applied: this snapmgrd is built with AddressSanitizer"));
    return;
  }
  auto r = snapmgr::list_volumes(*d.volume_discovery(), test_call());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), snapmgr::ErrorCode::BackendError);
  EXPECT_NE(r.error().message().find("was killed by signal 6 (SIGABRT) during listing volumes"), std::string::npos)
      << r.error().message();
  ASSERT_NO_FATAL_FAILURE(wait_running(d));
  EXPECT_EQ(d.worker().restarts(), 1);
}

}  // namespace
}  // namespace snapmgr::core
