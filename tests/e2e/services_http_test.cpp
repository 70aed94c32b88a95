// GET /v3/{p}/os-services against its own snapmgrd (docs/cinder-compatibility.md §2.13): the
// view at 3.0, 3.7 and 3.49, the host and binary filters, the admin-only policy, routing, a
// backend whose driver failed going down once its last heartbeat is older than
// service_down_time_s while the heartbeat keeps the others up, a catalog error the heartbeat
// survives, and the configuration check of the two intervals.
#include <thread>

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_client.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kTokens = R"(
admin-token: {user: root, project: p1, roles: [admin]}
member-token: {user: carol, project: p1, roles: [member]}
)";

// Heartbeat every second, down after two: a backend that never heartbeats is down within ~2 s.
const std::string kConfig = R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: tokens, tokens_file: {dir}/tokens.yaml}
plugin_path: [{fake_plugins}]
report_interval_s: 1
service_down_time_s: 2
backends:
  - name: fake1
    driver: fake
    cluster: c1
  - name: fake2
    driver: fake
    disabled: true
  - name: broken
    driver: fake
    options: {faults: {init: {error: disk on fire}}}
)";

class OsServices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = SnapmgrdProcess::start("services", kConfig, {{"tokens.yaml", kTokens}}).release();
    ASSERT_NE(daemon_, nullptr);
  }
  static void TearDownTestSuite() {
    if (!daemon_) return;
    EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
    delete daemon_;
    daemon_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(daemon_, nullptr); }

  static ApiClient admin() { return ApiClient(daemon_->port(), {{"X-Auth-Token", "admin-token"}}); }

  // The services list of a 200 answer.
  static boost::json::array services(const std::string& target, const std::string& version = "3.0") {
    auto r = admin().get(target, version_header(version));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    EXPECT_EQ(keys(r.json()), std::vector<std::string>{"services"});
    return r.json().at("services").as_array();
  }
  static Headers version_header(const std::string& v) { return version(v); }

  static std::vector<std::string> hosts(const boost::json::array& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.emplace_back(s.at("host").as_string());
    return out;
  }
  static const boost::json::object& service(const boost::json::array& list, const std::string& host) {
    for (const auto& s : list) {
      if (s.at("host").as_string() == host) return s.as_object();
    }
    static const boost::json::object none;
    ADD_FAILURE() << "no service " << host;
    return none;
  }

  static SnapmgrdProcess* daemon_;
};

SnapmgrdProcess* OsServices::daemon_ = nullptr;

const std::vector<std::string> kAllHosts{"node1@broken", "node1@fake1", "node1@fake2"};

TEST_F(OsServices, EveryBackendIsACinderVolumeServiceWithCindersKeys) {
  auto list = services("/v3/p1/os-services");
  ASSERT_EQ(hosts(list), kAllHosts);
  for (const auto& s : list) {
    EXPECT_EQ(keys(s),
              (std::vector<std::string>{"binary", "host", "zone", "status", "state", "updated_at", "disabled_reason",
                                        "replication_status", "active_backend_id", "frozen"}));
    EXPECT_EQ(s.at("binary"), "cinder-volume");
    EXPECT_EQ(s.at("zone"), "nova");
    EXPECT_THAT(std::string(s.at("updated_at").as_string()),
                ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}"));
    EXPECT_TRUE(s.at("disabled_reason").is_null());
    EXPECT_EQ(s.at("replication_status"), "not-capable");
    EXPECT_TRUE(s.at("active_backend_id").is_null());
    EXPECT_EQ(s.at("frozen"), false);
  }
  EXPECT_EQ(service(list, "node1@fake1").at("status"), "enabled");
  EXPECT_EQ(service(list, "node1@fake1").at("state"), "up");
  EXPECT_EQ(service(list, "node1@fake2").at("status"), "disabled");  // a disabled service still heartbeats
  EXPECT_EQ(service(list, "node1@fake2").at("state"), "up");
  EXPECT_EQ(service(list, "node1@broken").at("status"), "enabled");  // the driver failed: not disabled
}

TEST_F(OsServices, ClusterFromThreeSevenAndBackendStateFromThreeFortyNine) {
  auto at36 = services("/v3/p1/os-services", "3.6");
  EXPECT_FALSE(service(at36, "node1@fake1").contains("cluster"));
  auto at37 = services("/v3/p1/os-services", "3.7");
  EXPECT_EQ(service(at37, "node1@fake1").at("cluster"), "c1@fake1");  // Cinder's "<cluster>@<backend>"
  EXPECT_TRUE(service(at37, "node1@fake2").at("cluster").is_null());
  EXPECT_FALSE(service(at37, "node1@fake1").contains("backend_state"));
  auto at349 = services("/v3/p1/os-services", "3.49");
  EXPECT_EQ(
      keys(service(at349, "node1@fake1")),
      (std::vector<std::string>{"binary", "host", "zone", "status", "state", "updated_at", "backend_state", "cluster",
                                "disabled_reason", "replication_status", "active_backend_id", "frozen"}));
  EXPECT_EQ(service(at349, "node1@fake1").at("backend_state"), "up");
  EXPECT_EQ(service(at349, "node1@broken").at("backend_state"), "down");  // at once, before it is down
  EXPECT_EQ(service(at349, "node1@fake2").at("backend_state"), "down");   // disabled: no driver running
  EXPECT_EQ(hosts(services("/v3/os-services", "latest")), kAllHosts);     // no project in the URL
}

TEST_F(OsServices, HostAndBinaryFiltersAsCinder) {
  EXPECT_EQ(hosts(services("/v3/p1/os-services?host=node1")), kAllHosts);
  EXPECT_EQ(hosts(services("/v3/p1/os-services?host=node1@fake1")), std::vector<std::string>{"node1@fake1"});
  EXPECT_TRUE(services("/v3/p1/os-services?host=node1@fake1%23fake1").empty());  // a pool: exact only
  EXPECT_TRUE(services("/v3/p1/os-services?host=node").empty());
  EXPECT_TRUE(services("/v3/p1/os-services?host=node1@fake").empty());
  EXPECT_EQ(hosts(services("/v3/p1/os-services?host=")), kAllHosts);  // empty: no filter
  EXPECT_EQ(hosts(services("/v3/p1/os-services?host=node2&host=node1@fake2")),
            std::vector<std::string>{"node1@fake2"});  // the last value, as webob's req.GET[...]
  EXPECT_EQ(hosts(services("/v3/p1/os-services?binary=cinder-volume")), kAllHosts);
  EXPECT_TRUE(services("/v3/p1/os-services?binary=cinder-scheduler").empty());  // there is none
  EXPECT_TRUE(services("/v3/p1/os-services?binary=").empty());
  EXPECT_EQ(hosts(services("/v3/p1/os-services?binary=cinder-volume&host=node1@broken")),
            std::vector<std::string>{"node1@broken"});
}

TEST_F(OsServices, AdminOnlyWithCindersMessage) {
  ApiClient member(daemon_->port(), {{"X-Auth-Token", "member-token"}});
  auto r = member.get("/v3/p1/os-services");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.fault_message("forbidden"), "Policy doesn't allow volume_extension:services:index to be performed.");
  EXPECT_EQ(ApiClient(daemon_->port(), {}).get("/v3/p1/os-services").status, 401);
}

TEST_F(OsServices, OnlyTheListIsServed) {
  auto put = admin().send("PUT", "/v3/p1/os-services", "{}", json_content());
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.header("Allow"), "GET");
  EXPECT_EQ(admin().send("PUT", "/v3/p1/os-services/enable", R"({"host": "node1@fake1"})", json_content()).status, 404);
  EXPECT_EQ(admin().get("/v3/p1/os-services/detail").status, 404);
}

TEST_F(OsServices, AServiceWithoutHeartbeatGoesDownAndTheOthersStayUp) {
  // Registered together at start-up; only the backends whose driver runs heartbeat after that.
  const auto first = services("/v3/p1/os-services");
  const std::string registered(service(first, "node1@broken").at("updated_at").as_string());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  boost::json::array now;
  while (std::chrono::steady_clock::now() < deadline) {
    now = services("/v3/p1/os-services");
    if (service(now, "node1@broken").at("state") == "down") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(service(now, "node1@broken").at("state"), "down") << daemon_->log();
  EXPECT_EQ(service(now, "node1@broken").at("updated_at").as_string(), registered);  // never heartbeated
  for (const char* host : {"node1@fake1", "node1@fake2"}) {
    EXPECT_EQ(service(now, host).at("state"), "up") << host;
    EXPECT_GT(std::string(service(now, host).at("updated_at").as_string()), registered) << host;
  }
}

TEST_F(OsServices, TheAdvertisedUrlCarriesTheBoundPort) {
  SQLite::Database db(daemon_->dir() + "/state/catalog.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT DISTINCT advertise_url FROM services");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "http://127.0.0.1:" + std::to_string(daemon_->port()));
  EXPECT_FALSE(q.executeStep());
}

// Runs last in the suite (gtest keeps the order of definition): it breaks the catalog for a while.
TEST_F(OsServices, TheHeartbeatSurvivesACatalogErrorAndRegistersAgain) {
  std::string schema;
  {
    SQLite::Database db(daemon_->dir() + "/state/catalog.sqlite", SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    schema = db.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'services'").getString();
    db.exec("DROP TABLE services");
  }
  auto wait_for_log = [&](const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline && daemon_->log().find(text) == std::string::npos) {
      std::this_thread::sleep_for(100ms);
    }
    return daemon_->log().find(text) != std::string::npos;
  };
  ASSERT_TRUE(wait_for_log("service heartbeat failed (1 time(s) in a row")) << daemon_->log();
  EXPECT_EQ(admin().get("/v3/p1/os-services").status, 500);  // the catalog error, answered
  {
    SQLite::Database db(daemon_->dir() + "/state/catalog.sqlite", SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    db.exec(schema);  // an empty table: every row is gone
  }
  ASSERT_TRUE(wait_for_log("service heartbeat recovered")) << daemon_->log();
  EXPECT_EQ(daemon_->log().find("service heartbeat failed (2 time(s)"), std::string::npos)
      << "logged at most once a minute";
  auto list = services("/v3/p1/os-services");
  EXPECT_EQ(hosts(list), kAllHosts);  // registered again, as Cinder's report_state does
  EXPECT_EQ(service(list, "node1@fake1").at("state"), "up");
}

TEST(OsServicesConfig, TheDownTimeMustExceedTheReportInterval) {
  auto [code, err] = SnapmgrdProcess::run_expecting_failure("services-config", R"(
listen: 127.0.0.1:0
state_dir: {state_dir}
plugin_path: [{fake_plugins}]
report_interval_s: 30
service_down_time_s: 30
backends: []
)");
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.find("snapmgr.yaml:6: service_down_time_s: must be greater than report_interval_s "
                     "(report_interval_s 30, service_down_time_s 30)"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace snapmgr::e2e
