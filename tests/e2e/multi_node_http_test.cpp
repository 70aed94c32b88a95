// Three snapmgrd nodes on one PostgreSQL 15 catalog (core/catalog/postgres_test_server.hpp), each
// with its own fake backends: any node answers for every backend (docs/api.md "Many nodes: the
// internal route").
// Through node 1: node 2's and node 3's manageable listings are what node 2 and node 3 answer
// themselves; a volume and a snapshot of node 2 are adopted (their rows become `available`, with
// the caller's identity) and unmanaged (node 2's driver is told); os-services shows every node's
// backends. The internal route refuses a missing or wrong secret, never forwards twice, and the
// secret is in no log. A disabled service, an unknown one and — last — a stopped node answer as
// Cinder does: "Service is unavailable at this time." / "... could not be found ...".
#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api_client.hpp"
#include "core/catalog/postgres_test_server.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

using core::testing::PostgresTestServer;
using namespace std::chrono_literals;

[[maybe_unused]] auto* const g_environment = core::testing::register_shared_postgres();

constexpr const char* kSecret = "multi-node-secret-0123456789";
constexpr const char* kVolume2 = "volume-22222222-2222-2222-2222-222222222222";
constexpr const char* kVolume3 = "volume-33333333-3333-3333-3333-333333333333";
constexpr const char* kUnavailable = "Service is unavailable at this time.";

// Heartbeat every second, down after three: a stopped node's services are down within ~3 s.
std::string node_config(const std::string& host, const std::string& url, const std::string& backends) {
  return "host: " + host + R"(
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
plugin_path: [{fake_plugins}]
log: {level: debug, format: text}
call_timeout_s: 5
report_interval_s: 1
service_down_time_s: 3
listing_max_age_ms: 0
internal_secret_file: {dir}/internal.secret
catalog:
  url: ')" +
         url + R"('
  password_file: {dir}/pg.pass
  pool_size: 2
backends:
)" + backends;
}

std::string fake_backend(const std::string& name, const std::string& volume, const std::string& snapshots,
                         const std::string& extra = "") {
  return "  - name: " + name + "\n    driver: fake\n" + extra +
         "    options:\n      volumes:\n        - {name: " + volume +
         ", size_bytes: 2147483648}\n        - {name: " + volume.substr(0, volume.size() - 4) +
         "9999, size_bytes: 1073741824}\n      snapshots:\n" + snapshots;
}

std::string snapshot(const std::string& name, const std::string& origin, std::int64_t gib) {
  return "        - {name: " + name + ", size_bytes: " + std::to_string(gib << 30) + ", origin: " + origin + "}\n";
}

class MultiNode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto& pg = core::testing::shared_postgres();
    pg.create_database("nodes");
    const std::string url = pg.url("nodes");
    const SnapmgrdProcess::Files files{{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"},
                                       {"internal.secret", std::string(kSecret) + "\n"}};
    nodes_[0] = SnapmgrdProcess::start(
                    "node1",
                    node_config("node1", url,
                                fake_backend("fake1", "volume-11111111-1111-1111-1111-111111111111",
                                             snapshot("snap1a", "volume-11111111-1111-1111-1111-111111111111", 1))),
                    files)
                    .release();
    nodes_[1] = SnapmgrdProcess::start(
                    "node2",
                    node_config("node2", url,
                                fake_backend("fake2", kVolume2,
                                             snapshot("snap2a", kVolume2, 1) + snapshot("snap2b", kVolume2, 2) +
                                                 snapshot("snap2c", kVolume2, 3),
                                             "    cluster: c2\n") +
                                    fake_backend("off2", "volume-20202020-2020-2020-2020-202020202020", "",
                                                 "    disabled: true\n")),
                    files)
                    .release();
    nodes_[2] =
        SnapmgrdProcess::start("node3",
                               node_config("node3", url,
                                           fake_backend("fake3", kVolume3,
                                                        snapshot("snap3a", kVolume3, 4) +
                                                            "      faults: {adopt_volume: {delay_ms: 3000}}\n")),
                               files)
            .release();
  }
  static void TearDownTestSuite() {
    for (auto*& node : nodes_) {
      if (node) {
        node->stop();
        delete node;
      }
      node = nullptr;
    }
  }
  void SetUp() override {
    for (auto* node : nodes_) ASSERT_NE(node, nullptr);
  }

  static SnapmgrdProcess& node(int n) { return *nodes_[n - 1]; }
  static ApiClient api(int n, Headers auth = {{"X-Auth-Token", "admin:p1"}}) {
    return ApiClient(node(n).port(), std::move(auth));
  }
  static Headers v(const std::string& version = "3.8") { return version_header(version); }
  static Headers version_header(const std::string& value) { return version(value); }

  static std::string wait_status(const std::string& kind, const std::string& id, const std::string& want) {
    std::string status;
    for (int i = 0; i < 300 && status != want; ++i) {
      auto r = api(1).get("/v3/p1/" + kind + "s/" + id);
      if (r.status == 404) {
        status = "(gone)";
      } else if (r.status == 200) {
        status = std::string(r.json().at(kind).at("status").as_string());
      }
      if (status != want) std::this_thread::sleep_for(50ms);
    }
    return status;
  }

  static bool logs_contain(int n, const std::string& text) { return node(n).log().find(text) != std::string::npos; }

  static SnapmgrdProcess* nodes_[3];
};

SnapmgrdProcess* MultiNode::nodes_[3] = {nullptr, nullptr, nullptr};

TEST_F(MultiNode, ListingsOfOtherNodesAreWhatTheirOwnersAnswer) {
  for (const std::string target : {
           "/v3/p1/manageable_snapshots?host=node2@fake2",
           "/v3/p1/manageable_snapshots/detail?host=node2@fake2%23fake2&sort=size:desc&limit=2",
           "/v3/p1/manageable_snapshots/detail?host=node3@fake3",
           "/v3/p1/manageable_volumes?host=node3@fake3",
           "/v3/p1/manageable_volumes/detail?host=node2",  // a bare host: its first backend
           "/v3/p1/os-snapshot-manage/detail?host=node2@fake2",
       }) {
    const int owner = target.find("node3") != std::string::npos ? 3 : 2;
    auto direct = api(owner).get(target, v());
    auto relayed = api(1).get(target, v());
    ASSERT_EQ(direct.status, 200) << target << ": " << direct.body;
    EXPECT_EQ(relayed.status, 200) << target << ": " << relayed.body;
    EXPECT_EQ(relayed.body, direct.body) << target;
    EXPECT_EQ(relayed.header("Content-Type"), direct.header("Content-Type"));
    EXPECT_EQ(relayed.header("OpenStack-API-Version"), "volume 3.8");
  }
  auto cluster = api(1).get("/v3/p1/manageable_snapshots?cluster=c2", v("3.17"));
  ASSERT_EQ(cluster.status, 200) << cluster.body;
  EXPECT_EQ(cluster.body, api(2).get("/v3/p1/manageable_snapshots?cluster=c2", v("3.17")).body);
  EXPECT_NE(cluster.body.find("snap2b"), std::string::npos);
  // The relayed answer keeps the receiving node's request id, which the owner served it under.
  auto r = api(1).get("/v3/p1/manageable_volumes?host=node3@fake3", v());
  const std::string id = r.header("x-openstack-request-id");
  ASSERT_EQ(id.rfind("req-", 0), 0u) << id;
  EXPECT_TRUE(logs_contain(3, "forwarded request, served as the caller's request " + id)) << node(3).log();
  EXPECT_TRUE(logs_contain(1, "forwarding GET /v3/p1/manageable_volumes?host=node3@fake3 for node3@fake3 to http://"));
}

TEST_F(MultiNode, AVolumeAndASnapshotOfNodeTwoAreAdoptedAndUnmanagedThroughNodeOne) {
  const ApiClient alice = api(1, {{"X-Auth-Token", "alice:p1"}});
  auto managed =
      alice.post("/v3/p1/manageable_volumes",
                 std::string(R"({"volume": {"host": "node2@fake2", "name": "v2", "ref": {"source-name": ")") +
                     kVolume2 + R"("}}})",
                 with(v(), json_content()));
  ASSERT_EQ(managed.status, 202) << managed.body;
  const std::string volume_id(managed.json().at("volume").at("id").as_string());
  EXPECT_NE(managed.body.find("127.0.0.1:" + std::to_string(node(1).port())), std::string::npos)
      << "links name the node the client asked: " << managed.body;
  ASSERT_EQ(wait_status("volume", volume_id, "available"), "available") << node(2).log();
  auto row = core::testing::shared_postgres().query(
      "nodes", "SELECT backend, user_id, project_id, status FROM volumes WHERE id = '" + volume_id + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0], (std::vector<std::string>{"node2@fake2", "alice", "p1", "available"}));
  EXPECT_TRUE(logs_contain(2, "fake: renamed volume " + std::string(kVolume2))) << "node 2's driver adopted it";

  auto snap = alice.post("/v3/p1/manageable_snapshots",
                         R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": {"source-name": "snap2b"}}})",
                         with(v(), json_content()));
  ASSERT_EQ(snap.status, 202) << snap.body;
  const std::string snapshot_id(snap.json().at("snapshot").at("id").as_string());
  ASSERT_EQ(wait_status("snapshot", snapshot_id, "available"), "available") << node(2).log();
  EXPECT_EQ(core::testing::shared_postgres().query(
                "nodes", "SELECT size_gib, backend FROM snapshots WHERE id = '" + snapshot_id + "'")[0],
            (std::vector<std::string>{"2", "node2@fake2"}));
  auto listed = api(1).get("/v3/p1/manageable_snapshots/detail?host=node2@fake2", v());
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("\"cinder_id\":\"" + snapshot_id + "\""), std::string::npos)
      << "already managed, with its cinder_id: " << listed.body;
  // Through node 3 too; adopting it twice (under the name the adoption gave it) is refused by the
  // owner's synchronous check.
  auto twice = api(3).post("/v3/p1/manageable_snapshots",
                           R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": {"source-name": "_snapshot-)" +
                               snapshot_id + R"("}}})",
                           with(v(), json_content()));
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_NE(twice.body.find("is already managed as " + snapshot_id), std::string::npos) << twice.body;
  auto missing =
      api(3).post("/v3/p1/manageable_snapshots",
                  R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": {"source-name": "no-such-snapshot"}}})",
                  with(v(), json_content()));
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(missing.body.find("does not exist on the backend"), std::string::npos) << missing.body;
  auto again = api(3).post("/v3/p1/manageable_snapshots",
                           R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": {"source-name": "snap2a"}}})",
                           with(v(), json_content()));
  ASSERT_EQ(again.status, 202) << again.body;
  const std::string second(again.json().at("snapshot").at("id").as_string());
  ASSERT_EQ(wait_status("snapshot", second, "available"), "available");

  for (const auto& id : {snapshot_id, second}) {
    auto unmanaged =
        api(1).post("/v3/p1/snapshots/" + id + "/action", R"({"os-unmanage": null})", with(v(), json_content()));
    ASSERT_EQ(unmanaged.status, 202) << unmanaged.body;
    EXPECT_EQ(wait_status("snapshot", id, "(gone)"), "(gone)");
  }
  auto unmanaged =
      api(1).post("/v3/p1/volumes/" + volume_id + "/action", R"({"os-unmanage": null})", with(v(), json_content()));
  ASSERT_EQ(unmanaged.status, 202) << unmanaged.body;
  EXPECT_EQ(wait_status("volume", volume_id, "(gone)"), "(gone)");
  EXPECT_TRUE(logs_contain(2, "fake: released volume " + volume_id)) << "node 2's driver was told: " << node(2).log();
  auto after = api(1).get("/v3/p1/manageable_snapshots/detail?host=node2@fake2", v());
  EXPECT_EQ(after.body.find("\"cinder_id\":\"" + snapshot_id + "\""), std::string::npos) << after.body;
}

// 48 adoptions of one object of node 3's backend at once, 16 through each node: the two relayed
// through nodes 1 and 2 race with node 3's own in its reference check and in the catalog's unique
// live-reference index, which lets exactly one row in; node 3's driver adopts the object once.
// Its adopt step takes 3 s (a rename on an array is not instant), so every request inspects the
// object before it is renamed; an inspection that the rename overtakes is the catalog's reference
// mark's case (CatalogContractTest.AnInsertRacingAMoveOffItsReferenceNeverGetsIn).
TEST_F(MultiNode, FortyEightConcurrentAdoptionsOfOneObjectThroughThreeNodesYieldOneRow) {
  const std::string object = std::string(kVolume3).substr(0, std::string(kVolume3).size() - 4) + "9999";
  const std::string body = R"({"volume": {"host": "node3@fake3", "ref": {"source-name": ")" + object + R"("}}})";
  auto live_rows = [] {
    return core::testing::shared_postgres().query(
        "nodes", "SELECT count(*) FROM volumes WHERE backend = 'node3@fake3' AND NOT deleted")[0][0];
  };
  const int before = std::stoi(live_rows());
  std::vector<Reply> replies(48);
  std::vector<std::thread> clients;
  for (int i = 0; i < 48; ++i) {
    clients.emplace_back([i, &body, &replies] {
      replies[i] = api(1 + i % 3).post("/v3/p1/manageable_volumes", body, with(v(), json_content()));
    });
  }
  for (auto& c : clients) c.join();
  std::vector<std::string> adopted_ids;
  int conflicts = 0;
  for (const auto& r : replies) {
    if (r.status == 202) adopted_ids.emplace_back(r.json().at("volume").at("id").as_string());
    if (r.status == 409) ++conflicts;
  }
  ASSERT_EQ(adopted_ids.size(), 1u);
  EXPECT_EQ(conflicts, 47);
  EXPECT_EQ(std::stoi(live_rows()), before + 1) << "exactly one row";
  ASSERT_EQ(wait_status("volume", adopted_ids[0], "available"), "available") << node(3).log();
  const std::string log = node(3).log();
  const std::string adopted = "fake: renamed volume " + object;
  std::size_t count = 0;
  for (auto at = log.find(adopted); at != std::string::npos; at = log.find(adopted, at + 1)) ++count;
  EXPECT_EQ(count, 1u) << "the backend object is adopted once";
}

TEST_F(MultiNode, OsServicesOnAnyNodeShowsEveryNodesBackends) {
  auto r = api(1).get("/v3/p1/os-services");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> hosts;
  for (const auto& s : r.json().at("services").as_array()) hosts.emplace_back(s.at("host").as_string());
  EXPECT_EQ(hosts, (std::vector<std::string>{"node1@fake1", "node2@fake2", "node2@off2", "node3@fake3"}));
  EXPECT_EQ(api(3).get("/v3/p1/os-services").body, r.body);
}

TEST_F(MultiNode, UnknownAndDisabledServicesAnswerAsCinder) {
  auto unknown = api(1).get("/v3/p1/manageable_snapshots?host=node9@fake9", v());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.fault_message("itemNotFound"), "Service cinder-volume could not be found on host node9@fake9.");
  auto no_cluster = api(1).get("/v3/p1/manageable_snapshots?cluster=c9", v("3.17"));
  EXPECT_EQ(no_cluster.fault_message("itemNotFound"), "Service cinder-volume could not be found.");
  auto disabled = api(1).get("/v3/p1/manageable_volumes?host=node2@off2", v());
  EXPECT_EQ(disabled.status, 400);
  EXPECT_EQ(disabled.fault_message("badRequest"), kUnavailable);
  EXPECT_EQ(disabled.body, api(2).get("/v3/p1/manageable_volumes?host=node2@off2", v()).body);
}

TEST_F(MultiNode, TheInternalRouteNeedsTheSecretAndNeverForwardsAgain) {
  const std::string target = "/internal/v3/p1/manageable_volumes?host=node2@fake2";
  const ApiClient raw(node(2).port(), {});
  const Headers caller{{"X-Snapmgr-User-Id", "mallory"},
                       {"X-Snapmgr-Project-Id", "p1"},
                       {"X-Snapmgr-Roles", "admin"},
                       {"X-Snapmgr-Is-Admin", "true"}};
  auto without = raw.get(target, with(caller, v()));
  EXPECT_EQ(without.status, 401) << without.body;
  EXPECT_EQ(without.fault_message("unauthorized"),
            "The internal route requires the nodes' shared secret (X-Snapmgr-Internal-Secret, from "
            "internal_secret_file).");
  auto wrong = raw.get(target, with(with(caller, v()), {{"X-Snapmgr-Internal-Secret", "multi-node-secret-012345678"}}));
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  // A client token does not open it either.
  EXPECT_EQ(api(2).get(target, v()).status, 401);
  EXPECT_TRUE(logs_contain(2, "internal route: refused GET " + target + ": no X-Snapmgr-Internal-Secret header"));
  EXPECT_TRUE(logs_contain(2, "internal route: refused GET " + target + ": a wrong X-Snapmgr-Internal-Secret header"));

  const Headers trusted = with(with(caller, v()), {{"X-Snapmgr-Internal-Secret", kSecret}});
  auto served = raw.get(target, trusted);
  EXPECT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.body, api(2).get("/v3/p1/manageable_volumes?host=node2@fake2", v()).body);
  // Forwarded to a node that does not serve the backend: answered there, not sent on.
  auto elsewhere = raw.get("/internal/v3/p1/manageable_volumes?host=node3@fake3", trusted);
  EXPECT_EQ(elsewhere.status, 400) << elsewhere.body;
  EXPECT_EQ(elsewhere.fault_message("badRequest"), kUnavailable);
  EXPECT_TRUE(logs_contain(2, "a forwarded request for node3@fake3 reached a node that does not serve it"));
  // Without a caller the owner refuses to guess one.
  auto anonymous = raw.get(target, with(v(), {{"X-Snapmgr-Internal-Secret", kSecret}}));
  EXPECT_EQ(anonymous.status, 400) << anonymous.body;
}

TEST_F(MultiNode, TheSecretIsInNoLog) {
  api(1).get("/v3/p1/manageable_volumes?host=node3@fake3", v());
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(node(n).log().find(kSecret), std::string::npos) << "node " << n;
    EXPECT_EQ(node(n).log().find("multi-node-secret"), std::string::npos) << "node " << n;
  }
}

// Runs last (gtest keeps the order of definition): it stops node 3.
TEST_F(MultiNode, AStoppedNodesBackendIsUnavailable) {
  const std::string url = "http://127.0.0.1:" + std::to_string(node(3).port());
  ASSERT_EQ(node(3).stop(), 0) << node(3).log();
  // Still registered as up, but nobody answers at its URL.
  auto unreachable = api(1).get("/v3/p1/manageable_snapshots?host=node3@fake3", v());
  EXPECT_EQ(unreachable.status, 400) << unreachable.body;
  EXPECT_EQ(unreachable.fault_message("badRequest"), kUnavailable);
  EXPECT_TRUE(logs_contain(1, "the node serving node3@fake3 at " + url + " is unreachable (connecting: "))
      << node(1).log();
  // Once its heartbeat is older than service_down_time_s it is down, and nobody tries to reach it.
  std::string state;
  for (int i = 0; i < 100 && state != "down"; ++i) {
    auto services = api(1).get("/v3/p1/os-services?host=node3@fake3");
    ASSERT_EQ(services.status, 200);
    state = std::string(services.json().at("services").as_array().at(0).at("state").as_string());
    if (state != "down") std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(state, "down");
  for (const std::string target :
       {"/v3/p1/manageable_snapshots?host=node3@fake3", "/v3/p1/manageable_volumes?host=node3"}) {
    auto down = api(1).get(target, v());
    EXPECT_EQ(down.status, 400) << down.body;
    EXPECT_EQ(down.fault_message("badRequest"), kUnavailable);
  }
  auto manage =
      api(1).post("/v3/p1/manageable_volumes",
                  std::string(R"({"volume": {"host": "node3@fake3", "ref": {"source-name": ")") + kVolume3 + R"("}}})",
                  with(v(), json_content()));
  EXPECT_EQ(manage.status, 400) << manage.body;
  EXPECT_EQ(manage.fault_message("badRequest"), kUnavailable);
  EXPECT_TRUE(logs_contain(1, "service node3@fake3 cannot take the request: node3@fake3 is down: last heartbeat "));
}

TEST(MultiNodeConfig, APostgresqlCatalogNeedsAReadableNonEmptySecret) {
  auto& pg = core::testing::shared_postgres();
  const std::string config = node_config("node9", pg.url("nodes"), "  - {name: fake9, driver: fake}\n");
  const SnapmgrdProcess::Files password{{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"}};
  std::string without = config;
  without.erase(without.find("internal_secret_file:"),
                without.find("catalog:") - without.find("internal_secret_file:"));
  auto [code, log] = SnapmgrdProcess::run_expecting_failure("no-secret", without, password);
  EXPECT_EQ(code, 1);
  EXPECT_NE(log.find("internal_secret_file: required with a PostgreSQL catalog"), std::string::npos) << log;
  auto [missing_code, missing_log] = SnapmgrdProcess::run_expecting_failure("missing-secret", config, password);
  EXPECT_EQ(missing_code, 1);
  EXPECT_NE(missing_log.find("internal.secret': No such file or directory"), std::string::npos) << missing_log;
  auto files = password;
  files.emplace_back("internal.secret", "\n");
  auto [empty_code, empty_log] = SnapmgrdProcess::run_expecting_failure("empty-secret", config, files);
  EXPECT_EQ(empty_code, 1);
  EXPECT_NE(empty_log.find("internal.secret' is empty"), std::string::npos) << empty_log;
}

}  // namespace
}  // namespace snapmgr::e2e
