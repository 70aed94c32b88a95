// snapmgrd with `catalog: {url: ...}` against a real PostgreSQL 15 (started once for this
// executable, core/catalog/postgres_test_server.hpp): listings and a manage served from it, the
// row in PostgreSQL; PostgreSQL stopped → 503 "catalog unavailable: ..." and the process stays
// up; PostgreSQL back → 200. Start-up and --check-config against a wrong password or an
// unreachable server fail clearly, without the password.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "api_client.hpp"
#include "core/catalog/catalog_factory.hpp"
#include "core/catalog/postgres_test_server.hpp"
#include "core/daemon/commands.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

using core::testing::PostgresTestServer;
using namespace std::chrono_literals;

constexpr const char* kVolume = "volume-66666666-6666-6666-6666-666666666666";

[[maybe_unused]] auto* const g_environment = core::testing::register_shared_postgres();

PostgresTestServer& server() { return core::testing::shared_postgres(); }

std::string config(const std::string& url) {
  return R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
policy_file: )" +
         std::string(SNAPMGR_SOURCE_DIR) + R"(/etc/policy.yaml
plugin_path: [{fake_plugins}]
log: {level: debug, format: text}
call_timeout_s: 5
internal_secret_file: {dir}/internal.secret
catalog:
  url: ')" +
         url + R"('
  password_file: {dir}/pg.pass
  pool_size: 2
backends:
  - name: fake1
    driver: fake
    options:
      volumes:
        - {name: volume-66666666-6666-6666-6666-666666666666, size_bytes: 1073741824}
)";
}

// Every node sharing a PostgreSQL catalog needs the internal route's secret.
const SnapmgrdProcess::Files::value_type kSecretFile{"internal.secret", "pg-test-internal-secret\n"};

bool leaks_password(const std::string& text) { return text.find(PostgresTestServer::kPassword) != std::string::npos; }

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

TEST(PostgresCatalogHttp, ServesFromPostgresqlAnswers503WhileItIsDownAndRecovers) {
  ASSERT_NO_THROW(server());
  server().create_database("daemon");
  auto daemon = SnapmgrdProcess::start("pg", config(server().url("daemon")),
                                       {{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"}, kSecretFile});
  ASSERT_TRUE(daemon);
  ApiClient api(daemon->port());
  auto empty = api.get("/v3/p1/volumes");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(empty.json().at("volumes").as_array().empty());
  auto listing = api.get("/v3/p1/manageable_volumes?host=node1@fake1", version("3.8"));
  ASSERT_EQ(listing.status, 200) << listing.body;
  EXPECT_NE(listing.body.find(kVolume), std::string::npos) << listing.body;

  auto managed =
      api.post("/v3/p1/manageable_volumes",
               std::string(R"({"volume": {"host": "node1@fake1", "ref": {"source-name": ")") + kVolume + R"("}}})",
               version("3.8"));
  ASSERT_EQ(managed.status, 202) << managed.body;
  const std::string id(managed.json().at("volume").at("id").as_string());
  std::string status;
  for (int i = 0; i < 200 && status != "available"; ++i) {
    auto r = api.get("/v3/p1/volumes/" + id);
    ASSERT_EQ(r.status, 200) << r.body;
    status = std::string(r.json().at("volume").at("status").as_string());
    if (status != "available") std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(status, "available");
  auto row =
      server().query("daemon", "SELECT status, backend, provider_reference FROM volumes WHERE id = '" + id + "'");
  ASSERT_EQ(row.size(), 1u) << "the row is in PostgreSQL";
  EXPECT_EQ(row[0][0], "available");
  EXPECT_EQ(row[0][1], "node1@fake1");
  EXPECT_EQ(server().query("daemon", "SELECT count(*) FROM services WHERE host = 'node1' AND backend = 'fake1'")[0][0],
            "1");

  server().stop();
  auto down = api.get("/v3/p1/volumes");
  EXPECT_EQ(down.status, 503) << down.body;
  const std::string message = down.fault_message("serviceUnavailable");
  EXPECT_EQ(message.rfind("catalog unavailable: ", 0), 0u) << message;
  EXPECT_NE(message.find(server().url("daemon")), std::string::npos) << message;
  EXPECT_FALSE(leaks_password(message));
  auto one = api.get("/v3/p1/volumes/" + id);
  EXPECT_EQ(one.status, 503) << one.body;
  EXPECT_TRUE(alive(daemon->pid()));
  EXPECT_EQ(api.get("/").status, 300) << "the process still serves what needs no catalog";

  std::string error;
  ASSERT_TRUE(server().restart(error)) << error;
  auto back = api.get("/v3/p1/volumes");
  ASSERT_EQ(back.status, 200) << back.body;
  ASSERT_EQ(back.json().at("volumes").as_array().size(), 1u);
  EXPECT_EQ(back.json().at("volumes").as_array()[0].at("id").as_string(), id);
  EXPECT_EQ(api.get("/v3/p1/volumes/" + id).status, 200);
  EXPECT_EQ(daemon->stop(), 0) << daemon->log();
  EXPECT_FALSE(leaks_password(daemon->log()));
}

TEST(PostgresCatalogHttp, StartUpAndCheckConfigReportAWrongPasswordAndAnUnreachableServerClearly) {
  ASSERT_NO_THROW(server());
  server().create_database("refused");
  const std::string url = server().url("refused");
  auto [code, log] =
      SnapmgrdProcess::run_expecting_failure("pg-wrong", config(url), {{"pg.pass", "wrong-secret\n"}, kSecretFile});
  EXPECT_EQ(code, 1) << log;
  EXPECT_NE(log.find("snapmgrd: not started: catalog unavailable: cannot connect to " + url), std::string::npos) << log;
  EXPECT_NE(log.find("password authentication failed for user \"snapmgr\""), std::string::npos) << log;
  EXPECT_EQ(log.find("wrong-secret"), std::string::npos) << log;

  // --check-config: connects once, says so, creates nothing.
  const std::string dir = "/tmp/snapmgr-e2e-" + std::to_string(::getpid()) + "-check";
  std::filesystem::create_directories(dir);
  std::string text = config(url);
  for (auto [from, to] : {std::pair<std::string, std::string>{"{state_dir}", dir + "/state"},
                          {"{fake_plugins}", SNAPMGR_PLUGIN_DIR},
                          {"{dir}", dir}}) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from))
      text.replace(pos, from.size(), to);
  }
  std::ofstream(dir + "/snapmgr.yaml") << text;
  std::ofstream(dir + "/pg.pass") << "wrong-secret\n";
  std::ofstream(dir + "/" + kSecretFile.first) << kSecretFile.second;
  std::ostringstream out, err;
  EXPECT_EQ(core::check_config(dir + "/snapmgr.yaml", out, err), 1);
  EXPECT_NE(err.str().find("catalog: catalog unavailable: cannot connect to " + url), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("password authentication failed"), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find("wrong-secret"), std::string::npos);
  std::ofstream(dir + "/pg.pass", std::ios::trunc) << PostgresTestServer::kPassword << "\n";
  std::ostringstream out2, err2;
  EXPECT_EQ(core::check_config(dir + "/snapmgr.yaml", out2, err2), 0) << err2.str();
  EXPECT_NE(out2.str().find("catalog: PostgreSQL " + url + ": reachable, empty (created at start-up)"),
            std::string::npos)
      << out2.str();
  EXPECT_EQ(server().query("refused", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0], "0");

  // Unreachable: start-up tries for kCatalogStartupWait, then gives up with the reason.
  server().stop();
  std::ostringstream out3, err3;
  EXPECT_EQ(core::check_config(dir + "/snapmgr.yaml", out3, err3), 1);
  EXPECT_NE(err3.str().find("Connection refused"), std::string::npos) << err3.str();
  const auto started = std::chrono::steady_clock::now();
  auto [down_code, down_log] = SnapmgrdProcess::run_expecting_failure(
      "pg-down", config(url), {{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"}, kSecretFile});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(down_code, 1) << down_log;
  EXPECT_NE(down_log.find("trying again for up to 10 s"), std::string::npos) << down_log;
  EXPECT_NE(down_log.find("snapmgrd: not started: catalog unavailable: cannot connect to " + url), std::string::npos)
      << down_log;
  EXPECT_GE(took, core::kCatalogStartupWait - 2s);
  EXPECT_LT(took, core::kCatalogStartupWait + 15s);
  EXPECT_FALSE(leaks_password(down_log));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::string error;
  EXPECT_TRUE(server().restart(error)) << error;
}

}  // namespace
}  // namespace snapmgr::e2e
