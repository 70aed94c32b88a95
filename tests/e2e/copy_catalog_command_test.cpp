// `snapmgrd --copy-catalog` as an operator runs it: the real binary as a process against a real
// PostgreSQL 15 (started once for this executable). A copy prints the rows per table and exits
// 0, and a snapmgrd started on the database then serves the copied volume; a second copy exits
// 3 (not empty); a wrong password, a password in the URL, a missing file and a wrong number of
// arguments fail with one line on stderr that holds no password.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api_client.hpp"
#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/postgres_test_server.hpp"
#include "core/catalog/sqlite_catalog.hpp"
#include "core/daemon/commands.hpp"
#include "host/command_runner.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

using core::testing::PostgresTestServer;

[[maybe_unused]] auto* const g_environment = core::testing::register_shared_postgres();

PostgresTestServer& server() { return core::testing::shared_postgres(); }

constexpr const char* kVolume = "77777777-7777-7777-7777-777777777777";

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Run snapmgrd(std::vector<std::string> arguments) {
  snapmgr::Command command;
  command.argv = {std::string(SNAPMGR_BINARY_DIR) + "/snapmgrd"};
  command.argv.insert(command.argv.end(), arguments.begin(), arguments.end());
  command.timeout = std::chrono::seconds(60);
  auto ran = core::ProcessCommandRunner().run(command);
  if (!ran) return Run{-1, "", "could not run snapmgrd: " + ran.error().message()};
  return Run{ran->exit_code, ran->out, ran->err};
}

bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

class CopyCatalogCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_THROW(server());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto catalog = core::SqliteCatalog::open(sqlite_);
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    auto v = core::volume(kVolume, "volume-copied");
    v.metadata = {{"origin", "node1"}};
    ASSERT_TRUE((*catalog)->insert_volume(v).ok());
    auto s = core::snapshot("88888888-8888-8888-8888-888888888888", kVolume, "snap-copied");
    ASSERT_TRUE((*catalog)->insert_snapshot(s).ok());
    std::ofstream(password_file_) << PostgresTestServer::kPassword << "\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  const std::string dir_ = "/tmp/snapmgr-e2e-" + std::to_string(::getpid()) + "-copy-source";
  const std::string sqlite_ = dir_ + "/catalog.sqlite";
  const std::string password_file_ = dir_ + "/pg.pass";
};

TEST_F(CopyCatalogCommand, CopiesPrintsTheRowsPerTableAndTheCopiedCatalogServes) {
  server().create_database("command_copy");
  const std::string url = server().url("command_copy");
  auto run = snapmgrd({"--copy-catalog", sqlite_, url, "--password-file", password_file_});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::istringstream log(run.err);  // only the log lines of the migrations that made the schema
  for (std::string line; std::getline(log, line);) {
    EXPECT_NE(line.find(" info catalog " + url + ": schema migrated to version "), std::string::npos) << line;
  }
  EXPECT_NE(run.out.find("copied " + sqlite_ + " (schema version "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(") to " + url + ": 5 rows\n"), std::string::npos) << run.out;
  for (const char* line : {"  volumes: 1\n", "  volume_metadata: 1\n", "  snapshots: 1\n", "  snapshot_metadata: 2\n",
                           "  services: 0\n"}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << " in " << run.out;
  }
  EXPECT_EQ(server().query("command_copy", "SELECT key, value FROM volume_metadata"),
            (std::vector<std::vector<std::string>>{{"origin", "node1"}}));

  // The next step of the procedure: a node whose catalog.url is the database serves the row.
  auto daemon = SnapmgrdProcess::start("copy", R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
policy_file: )" + std::string(SNAPMGR_SOURCE_DIR) + R"(/etc/policy.yaml
plugin_path: [{fake_plugins}]
internal_secret_file: {dir}/internal.secret
catalog: {url: ')" + url + R"(', password_file: {dir}/pg.pass}
backends: [{name: fake1, driver: fake}]
)",
                                       {{"pg.pass", std::string(PostgresTestServer::kPassword) + "\n"},
                                        {"internal.secret", "copy-test-internal-secret\n"}});
  ASSERT_TRUE(daemon);
  ApiClient api(daemon->port());
  auto shown = api.get(std::string("/v3/p1/volumes/") + kVolume);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json().at("volume").at("name").as_string(), std::string("vol-") + kVolume);
  EXPECT_EQ(shown.json().at("volume").at("metadata").at("origin").as_string(), "node1");
  EXPECT_EQ(daemon->stop(), 0) << daemon->log();

  // The node registered its service: the database is no longer empty, and a second copy says so.
  auto again = snapmgrd({"--copy-catalog", sqlite_, url, "--password-file", password_file_});
  EXPECT_EQ(again.exit_code, core::kCopyTargetNotEmpty) << again.out << again.err;
  EXPECT_EQ(again.out, "");
  EXPECT_TRUE(one_line(again.err)) << again.err;
  EXPECT_EQ(again.err.rfind("snapmgrd --copy-catalog: the database " + url + " is not empty (table ", 0), 0u)
      << again.err;
}

TEST_F(CopyCatalogCommand, FailuresAreOneLineWithoutThePasswordAndAnExitStatus) {
  server().create_database("command_refused");
  const std::string url = server().url("command_refused");
  const std::string wrong_password = "wrong-Secret-42";
  std::ofstream(dir_ + "/wrong.pass") << wrong_password << "\n";
  auto wrong = snapmgrd({"--copy-catalog", sqlite_, url, "--password-file", dir_ + "/wrong.pass"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_TRUE(one_line(wrong.err)) << wrong.err;
  EXPECT_EQ(wrong.err.rfind("snapmgrd --copy-catalog: catalog unavailable: cannot connect to " + url + ": ", 0), 0u)
      << wrong.err;
  EXPECT_NE(wrong.err.find("password authentication failed for user \"snapmgr\""), std::string::npos) << wrong.err;
  EXPECT_EQ((wrong.out + wrong.err).find(wrong_password), std::string::npos);

  const std::string with_password = "postgresql://snapmgr:" + wrong_password + "@127.0.0.1:1/x";
  auto in_url = snapmgrd({"--copy-catalog", sqlite_, with_password});
  EXPECT_EQ(in_url.exit_code, 1);
  EXPECT_EQ(in_url.err,
            "snapmgrd --copy-catalog: the URL must not contain a password: put the password in a file and give "
            "--password-file\n");

  auto missing = snapmgrd({"--copy-catalog", dir_ + "/none.sqlite", url, "--password-file", password_file_});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "snapmgrd --copy-catalog: no SQLite catalog at " + dir_ + "/none.sqlite\n");

  auto no_file = snapmgrd({"--copy-catalog", sqlite_, url, "--password-file", dir_ + "/none.pass"});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_EQ(no_file.err.rfind("snapmgrd --copy-catalog: --password-file: cannot read '" + dir_ + "/none.pass'", 0), 0u)
      << no_file.err;

  auto usage = snapmgrd({"--copy-catalog", sqlite_});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("--copy-catalog takes two arguments: <sqlite file> <postgresql url>"), std::string::npos)
      << usage.err;
  EXPECT_EQ(server().query("command_refused", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0], "0");

  auto help = snapmgrd({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--copy-catalog"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--password-file"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace snapmgr::e2e
