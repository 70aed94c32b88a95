// Adoption jobs queued in a shared PostgreSQL catalog (started once for this executable,
// core/catalog/postgres_test_server.hpp), with real snapmgrd nodes and the fake driver, its
// adopt step slowed by a `delay_ms` fault so that jobs are still `creating` when a node dies:
//   - two nodes, each with its own backend: kill -9 of node B with adoptions queued for its
//     backend; node A (even restarted) leaves them alone; once B's service is down, os-services
//     through A shows it `down` and B's listings and adoptions get "Service is unavailable at
//     this time."; node B back → they finish;
//   - a cluster: two nodes serve one backend in cluster c1; kill -9 of the node holding the
//     claimed adoptions → once its service is down (service_down_time_s) the other finishes them.
#include <signal.h>

#include <chrono>
#include <string>
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

PostgresTestServer& server() { return core::testing::shared_postgres(); }

// The catalog's password, and the secret the nodes share for the internal route.
const SnapmgrdProcess::Files kPasswordFile = {{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"},
                                              {"internal.secret", "jobs-test-internal-secret\n"}};

// A node on `database`: host `host`, one fake backend `backend` (in `cluster` unless empty) with
// volumes vol-1..vol-3, its adopt step delayed by `adopt_delay_ms` (0: none). A heartbeat every
// second, down after 3 s, so that a failover takes seconds.
std::string node_config(const std::string& database, const std::string& host, const std::string& backend,
                        const std::string& cluster, int adopt_delay_ms, int workers = 4) {
  std::string faults = adopt_delay_ms > 0 ? "{adopt_volume: {delay_ms: " + std::to_string(adopt_delay_ms) + "}}" : "{}";
  return "host: " + host + R"(
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
policy_file: )" +
         std::string(SNAPMGR_SOURCE_DIR) +
         R"(/etc/policy.yaml
plugin_path: [{fake_plugins}]
log: {level: debug, format: text}
call_timeout_s: 30
adoption_workers: )" +
         std::to_string(workers) +
         R"(
report_interval_s: 1
service_down_time_s: 3
internal_secret_file: {dir}/internal.secret
catalog:
  url: ')" +
         server().url(database) +
         R"('
  password_file: {dir}/pg.pass
  pool_size: 4
backends:
  - name: )" +
         backend + "\n" + (cluster.empty() ? "" : "    cluster: " + cluster + "\n") + R"(    driver: fake
    options:
      volumes:
        - {name: vol-1, size_bytes: 1073741824}
        - {name: vol-2, size_bytes: 1073741824}
        - {name: vol-3, size_bytes: 1073741824}
      faults: )" +
         faults + "\n";
}

// Manages vol-1..vol-3 through `api` on `host_backend`; the new volumes' ids.
std::vector<std::string> adopt_three(const ApiClient& api, const std::string& host_backend) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 3; ++i) {
    auto r = api.post("/v3/p1/manageable_volumes",
                      R"({"volume": {"host": ")" + host_backend + R"(", "ref": {"source-name": "vol-)" +
                          std::to_string(i) + R"("}}})",
                      version("3.8"));
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status == 202) ids.emplace_back(r.json().at("volume").at("id").as_string());
  }
  return ids;
}

std::string column(const std::string& database, const std::string& id, const std::string& name) {
  auto rows = server().query(database, "SELECT " + name + " FROM volumes WHERE id = '" + id + "'");
  return rows.empty() ? "<no row>" : rows[0][0];
}

// Polls (every 50 ms, at most `limit`) until every row of `ids` has `name` = `value`.
bool all_become(const std::string& database, const std::vector<std::string>& ids, const std::string& name,
                const std::string& value, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    bool all = true;
    for (const auto& id : ids) all = all && column(database, id, name) == value;
    if (all) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(50ms);
  }
}

std::string unfinished_jobs(const std::string& database) {
  return server().query(database,
                        "SELECT (SELECT count(*) FROM volumes WHERE status IN ('creating', 'unmanaging')) + "
                        "(SELECT count(*) FROM snapshots WHERE status IN ('creating', 'unmanaging'))")[0][0];
}

void kill_hard(SnapmgrdProcess& node) {
  ASSERT_EQ(::kill(node.pid(), SIGKILL), 0);
  EXPECT_EQ(node.wait(10s), 128 + SIGKILL);
}

TEST(JobsHttp, AdoptionsQueuedForAKilledNodeWaitForItAndFinishWhenItIsBack) {
  ASSERT_NO_THROW(server());
  const std::string db = "two_nodes";
  server().create_database(db);
  const std::string a_config = node_config(db, "nodeA", "fakeA", "", 0);
  auto a = SnapmgrdProcess::start("jobs-a", a_config, kPasswordFile);
  ASSERT_TRUE(a);
  auto b = SnapmgrdProcess::start("jobs-b", node_config(db, "nodeB", "fakeB", "", 20000, 1), kPasswordFile);
  ASSERT_TRUE(b);
  const auto queued = adopt_three(ApiClient(b->port()), "nodeB@fakeB");
  ASSERT_EQ(queued.size(), 3u);
  // One worker on B: the first job is claimed (its adopt step delayed), the others wait.
  ASSERT_TRUE(all_become(db, {queued[0]}, "claimed_by", "nodeB", 5000ms)) << b->log();
  EXPECT_EQ(column(db, queued[1], "claimed_by"), "");
  kill_hard(*b);

  // Node A neither serves nor touches B's backend, running or at its start-up.
  ApiClient api_a(a->port());
  const auto own = adopt_three(api_a, "nodeA@fakeA");
  EXPECT_TRUE(all_become(db, own, "status", "available", 10000ms)) << a->log();
  ASSERT_TRUE(a->restart(a_config));
  std::this_thread::sleep_for(2500ms);  // more than A's poll (1 s) and B's service_down_time_s
  for (const auto& id : queued) {
    EXPECT_EQ(column(db, id, "status"), "creating") << id << "\n" << a->log();
  }
  // B's service is down (no heartbeat for service_down_time_s): os-services says so, and a
  // request that needs B's backend gets Cinder's answer.
  std::string state;
  for (int i = 0; i < 100 && state != "down"; ++i, std::this_thread::sleep_for(100ms)) {
    auto services = ApiClient(a->port()).get("/v3/p1/os-services?host=nodeB@fakeB");
    ASSERT_EQ(services.status, 200) << services.body;
    state = std::string(services.json().at("services").at(0).at("state").as_string());
  }
  EXPECT_EQ(state, "down");
  auto listing = ApiClient(a->port()).get("/v3/p1/manageable_volumes?host=nodeB@fakeB", version("3.8"));
  EXPECT_EQ(listing.status, 400) << listing.body;
  EXPECT_EQ(listing.fault_message("badRequest"), "Service is unavailable at this time.") << listing.body;
  auto adoption = ApiClient(a->port()).post(
      "/v3/p1/manageable_volumes", R"({"volume": {"host": "nodeB@fakeB", "ref": {"source-name": "volume-late"}}})",
      with(version("3.8"), json_content()));
  EXPECT_EQ(adoption.status, 400) << adoption.body;
  EXPECT_EQ(adoption.fault_message("badRequest"), "Service is unavailable at this time.") << adoption.body;

  auto seen = ApiClient(a->port()).get("/v3/p1/volumes/" + queued[1]);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json().at("volume").at("status").as_string(), "creating") << "any node reads the shared catalog";

  // Node B again (same host, no delay): it takes what was left, its own claim included.
  auto back = SnapmgrdProcess::start("jobs-b2", node_config(db, "nodeB", "fakeB", "", 0), kPasswordFile);
  ASSERT_TRUE(back);
  EXPECT_TRUE(all_become(db, queued, "status", "available", 15000ms)) << back->log();
  EXPECT_EQ(unfinished_jobs(db), "0");
  EXPECT_NE(back->log().find("recovery: volume " + queued[0] + " was left 'creating' by a previous process"),
            std::string::npos)
      << back->log();
  for (const auto& id : queued) {
    EXPECT_NE(column(db, id, "provider_reference").find("volume-" + id), std::string::npos) << "adopted by nodeB";
  }

  // And an unmanage through the other node is a job B's workers pick up too.
  auto unmanaged = ApiClient(a->port()).post("/v3/p1/volumes/" + queued[2] + "/action", R"({"os-unmanage": null})");
  EXPECT_EQ(unmanaged.status, 202) << unmanaged.body;
  EXPECT_TRUE(all_become(db, {queued[2]}, "status", "deleted", 10000ms)) << back->log();
  EXPECT_EQ(unfinished_jobs(db), "0");
  EXPECT_EQ(back->stop(), 0) << back->log();
  EXPECT_EQ(a->stop(), 0) << a->log();
}

TEST(JobsHttp, AClusterMemberTakesOverTheClaimedAdoptionsOfAKilledMemberOnceItIsDown) {
  ASSERT_NO_THROW(server());
  const std::string db = "cluster";
  server().create_database(db);
  auto a = SnapmgrdProcess::start("jobs-c1", node_config(db, "nodeA", "shared", "c1", 20000), kPasswordFile);
  ASSERT_TRUE(a);
  const auto queued = adopt_three(ApiClient(a->port()), "nodeA@shared");
  ASSERT_EQ(queued.size(), 3u);
  ASSERT_TRUE(all_become(db, queued, "claimed_by", "nodeA", 5000ms)) << a->log();

  auto b = SnapmgrdProcess::start("jobs-c2", node_config(db, "nodeB", "shared", "c1", 0), kPasswordFile);
  ASSERT_TRUE(b);
  std::this_thread::sleep_for(1500ms);  // B's start-up and a poll or more: an up member's claims stay its own
  for (const auto& id : queued) {
    EXPECT_EQ(column(db, id, "claimed_by"), "nodeA") << id;
    EXPECT_EQ(column(db, id, "status"), "creating") << id;
  }

  kill_hard(*a);
  const auto killed = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1000ms);
  for (const auto& id : queued) {
    EXPECT_EQ(column(db, id, "status"), "creating") << "nodeA's heartbeat is younger than service_down_time_s";
  }
  EXPECT_TRUE(all_become(db, queued, "status", "available", 15000ms)) << b->log();
  EXPECT_GE(std::chrono::steady_clock::now() - killed, 2s) << "not before nodeA's service was down";
  EXPECT_EQ(unfinished_jobs(db), "0");
  for (const auto& id : queued) {
    EXPECT_NE(b->log().find("jobs: volume " + id + " ('creating') taken over from nodeA"), std::string::npos)
        << b->log();
    EXPECT_EQ(column(db, id, "claimed_by"), "") << "the claim ended with the job";
  }
  auto shown = ApiClient(b->port()).get("/v3/p1/volumes/" + queued[0]);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json().at("volume").at("status").as_string(), "available");
  EXPECT_EQ(b->stop(), 0) << b->log();
}

}  // namespace
}  // namespace snapmgr::e2e
