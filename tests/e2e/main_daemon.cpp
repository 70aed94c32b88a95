#include "main_daemon.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace snapmgr::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kConfig = R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
policy_file: )" + std::string(SNAPMGR_SOURCE_DIR) +
                            R"(/etc/policy.yaml
plugin_path: [{fake_plugins}, {test_plugins}]
log: {level: debug, format: text}
call_timeout_s: 5
adoption_workers: 2
backends:
  - name: fake1
    driver: fake
    cluster: c1
    options:
      volumes:
        - {name: volume-11111111-1111-1111-1111-111111111111, size_bytes: 2147483648}
        - {name: volume-22222222-2222-2222-2222-222222222222, size_bytes: 1073741824}
        - {name: volume-33333333-3333-3333-3333-333333333333, size_bytes: 1073741824}
      snapshots:
        - {name: lvol0, size_bytes: 1073741824, origin: volume-11111111-1111-1111-1111-111111111111}
        - {name: lvol1, size_bytes: 1610612736, origin: volume-11111111-1111-1111-1111-111111111111, in_use: true}
        - {name: lvol2, size_bytes: 3435973837, origin: volume-11111111-1111-1111-1111-111111111111}
        - {name: lvol3, size_bytes: 1073741824, origin: volume-11111111-1111-1111-1111-111111111111}
        - {name: lvol4, size_bytes: 1073741824, origin: volume-11111111-1111-1111-1111-111111111111}
        - {name: other0, size_bytes: 1073741824, origin: volume-22222222-2222-2222-2222-222222222222}
  - name: list1
    driver: fake
    cluster: lc
    options:
      volumes:
        - {name: lv-a, size_bytes: 1073741824}
        - {name: lv-b, size_bytes: 3221225472, in_use: true}
      snapshots:
        - {name: vol03, size_bytes: 1073741824, origin: lv-a}
        - {name: vol01, size_bytes: 3221225472, origin: lv-a}
        - {name: vol02, size_bytes: 3221225472, origin: lv-a, extra_info: {pool: gold}}
        - {name: vol04, size_bytes: 2147483648, origin: lv-a, in_use: true}
        - {name: vol06, size_bytes: 3221225472, origin: lv-a, reason: replication target of a running job}
        - {name: vol07, size_bytes: 1073741824, origin: lv-b}
        - {name: vol05, size_bytes: 1073741824, origin: lv-b}
  - name: slow
    driver: fake
    options:
      volumes:
        - {name: volume-slow, size_bytes: 1073741824}
      snapshots:
        - {name: slow-snap, size_bytes: 1073741824, origin: volume-slow}
      faults: {adopt_volume: {delay_ms: 3000}, adopt_snapshot: {delay_ms: 3000}}
  - name: slowsnap
    driver: fake
    options:
      volumes:
        - {name: volume-44444444-4444-4444-4444-444444444444, size_bytes: 1073741824}
      snapshots:
        - {name: contested, size_bytes: 1073741824, origin: volume-44444444-4444-4444-4444-444444444444}
      faults: {adopt_snapshot: {delay_ms: 3000}}
  - name: broken
    driver: fake
    options:
      volumes:
        - {name: volume-broken, size_bytes: 1073741824}
      faults: {adopt_volume: {error: disk on fire}, list_snapshots: {error: array offline}}
  - name: hang
    driver: fake
    options:
      faults: {list_snapshots: {delay_ms: 60000}}
  - name: off
    driver: fake
    disabled: true
  - name: snaponly
    driver: discovery_only
  - name: meta
    driver: fake
    pool: gold
    options:
      volumes:
        - {name: volume-55555555-5555-5555-5555-555555555555, size_bytes: 1073741824}
      snapshots:
        - {name: meta-snap, size_bytes: 1073741824, origin: volume-55555555-5555-5555-5555-555555555555}
)";

std::unique_ptr<SnapmgrdProcess> g_daemon;

class MainDaemonEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_daemon = SnapmgrdProcess::start("main", kConfig);
    if (!g_daemon) GTEST_FAIL() << "the shared snapmgrd did not start";
  }
  void TearDown() override {
    if (!g_daemon) return;
    int code = g_daemon->stop();
    EXPECT_EQ(code, 0) << "snapmgrd did not exit cleanly after SIGTERM:\n" << g_daemon->log();
    g_daemon.reset();
  }
};

[[maybe_unused]] auto* const g_environment = ::testing::AddGlobalTestEnvironment(new MainDaemonEnvironment);

std::string wait_status(const std::string& collection, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = admin_client().get("/v3/p1/" + collection + "/" + id);
    if (r.status == 404) return "";
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return "?";
    status = std::string(r.json().at(collection == "volumes" ? "volume" : "snapshot").at("status").as_string());
    if (status != "creating" && status != "unmanaging") return status;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << collection << " " << id << " still " << status << " after 60 s";
  return status;
}

}  // namespace

SnapmgrdProcess& main_daemon() {
  if (!g_daemon) throw std::runtime_error("the shared snapmgrd is not running");
  return *g_daemon;
}

ApiClient admin_client() { return ApiClient(main_daemon().port()); }

std::string adopt_volume(const std::string& host, const std::string& name) {
  auto r = admin_client().post("/v3/p1/manageable_volumes",
                               R"({"volume": {"host": ")" + host + R"(", "ref": {"source-name": ")" + name + R"("}}})",
                               version("3.8"));
  EXPECT_EQ(r.status, 202) << r.body;
  if (r.status != 202) return "";
  return std::string(r.json().at("volume").at("id").as_string());
}

std::string wait_volume(const std::string& id) { return wait_status("volumes", id); }
std::string wait_snapshot(const std::string& id) { return wait_status("snapshots", id); }

}  // namespace snapmgr::e2e
