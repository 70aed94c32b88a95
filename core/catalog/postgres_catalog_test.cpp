// The PostgreSQL catalog against a real PostgreSQL 15, started once for this executable
// (postgres_test_server.hpp): the Catalog contract (catalog_contract_tests.hpp), each test in a
// database of its own, and what is PostgreSQL's own — the partial unique index, concurrent
// writers, a restarted or stopped server, the password, migrations run twice, the factory.
#include "core/catalog/postgres_catalog.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <pqxx/connection>
#include <pqxx/result>
#include <pqxx/transaction>

#include "core/catalog/catalog_contract_tests.hpp"
#include "core/catalog/catalog_factory.hpp"
#include "core/catalog/catalog_job_contract_tests.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/postgres_migrations.hpp"
#include "core/catalog/postgres_test_server.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {

using testing::PostgresTestServer;
using namespace std::chrono_literals;

namespace {

[[maybe_unused]] auto* const g_environment = testing::register_shared_postgres();

PostgresTestServer& server() { return testing::shared_postgres(); }

// Brings the server back if a test stopped it and failed before restarting it.
void ensure_running() {
  std::string error;
  if (!server().running()) {
    ASSERT_TRUE(server().restart(error)) << error;
  }
}

}  // namespace

// The PostgreSQL catalog: a fresh database per test.
class PostgresCatalogUnderTest {
 public:
  PostgresCatalogUnderTest() {
    static std::atomic<int> counter{0};
    database_ = "catalog_" + std::to_string(++counter);
    ensure_running();
    server().create_database(database_);
  }
  PostgresSettings settings() const {
    PostgresSettings s;
    s.url = server().url(database_);
    s.password = PostgresTestServer::kPassword;
    s.connect_timeout_s = 2;
    return s;
  }
  ServiceResult<std::unique_ptr<Catalog>> open() {
    auto opened = PostgresCatalog::open(settings());
    if (!opened) return opened.error();
    return std::unique_ptr<Catalog>(std::move(*opened));
  }
  void exec(const std::string& sql) { server().query(database_, sql); }
  std::string scalar(const std::string& sql) {
    auto rows = server().query(database_, sql);
    return rows.empty() || rows[0].empty() ? "" : rows[0][0];
  }
  int schema_version() { return std::stoi(scalar("SELECT version FROM schema_version")); }
  void set_schema_version(int version) { exec("UPDATE schema_version SET version = " + std::to_string(version)); }
  void tear_down() {}
  const std::string& database() const { return database_; }

 private:
  std::string database_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CatalogContractTest, PostgresCatalogUnderTest);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CatalogJobContractTest, PostgresCatalogUnderTest);

namespace {

using PostgresCatalogTest = CatalogContractTest<PostgresCatalogUnderTest>;

bool is_unavailable(const ServiceError& e) {
  return e.fault == Fault::Unavailable && e.message.rfind("catalog unavailable: ", 0) == 0;
}

// Runs `sql` inside a transaction on its own superuser connection, kept open until release().
class HeldTransaction {
 public:
  HeldTransaction(const std::string& database, const std::string& sql)
      : connection_("host=" + server().dir() + " port=" + std::to_string(server().port()) +
                    " user=postgres dbname=" + database),
        tx_(std::make_unique<pqxx::work>(connection_)) {
    tx_->exec(sql);
  }
  void release() {
    if (tx_) tx_->commit();
    tx_.reset();
  }

 private:
  pqxx::connection connection_;
  std::unique_ptr<pqxx::work> tx_;
};

// Waits until a snapmgrd session of `database` waits for a lock (or another wait_event_type);
// false after 10 s.
bool wait_for_blocked_session(const std::string& database, const std::string& wait_type = "Lock") {
  for (int i = 0; i < 500; ++i) {
    auto rows =
        server().query("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database +
                                       "' AND application_name = 'snapmgrd' AND wait_event_type = '" + wait_type + "'");
    if (rows[0][0] != "0") return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST_F(PostgresCatalogTest, TheLiveReferenceGuardIsAPartialUniqueIndexWhoseViolationIsSqlitesConflict) {
  const auto index = impl_.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'volumes_live_reference'");
  EXPECT_EQ(index,
            "CREATE UNIQUE INDEX volumes_live_reference ON public.volumes USING btree (scope, provider_reference) "
            "WHERE (NOT deleted)");
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto duplicate = catalog_->insert_volume(volume("v2", "volume-a"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().fault, Fault::Conflict);

  // The same message as the SQLite catalog gives, for inserts and for moving a reference.
  SqliteCatalogUnderTest sqlite;
  auto reference = sqlite.open();
  ASSERT_TRUE(reference.ok());
  ASSERT_TRUE((*reference)->insert_volume(volume("v1", "volume-a")).ok());
  auto sqlite_duplicate = (*reference)->insert_volume(volume("v2", "volume-a"));
  ASSERT_FALSE(sqlite_duplicate.ok());
  EXPECT_EQ(duplicate.error().message, sqlite_duplicate.error().message);
  EXPECT_EQ(duplicate.error().message,
            R"(The volume {"source-name":"volume-a"} on backend node1@fake1 is already managed or being adopted.)");
  ASSERT_TRUE(catalog_->insert_volume(volume("v3", "volume-b")).ok());
  ASSERT_TRUE((*reference)->insert_volume(volume("v3", "volume-b")).ok());
  RowUpdate move;
  move.provider_reference = snapmgr::StringMap{{"source-name", "volume-a"}};
  auto moved = catalog_->update_volume("v3", move);
  auto sqlite_moved = (*reference)->update_volume("v3", move);
  ASSERT_FALSE(moved.ok());
  ASSERT_FALSE(sqlite_moved.ok());
  EXPECT_EQ(moved.error().fault, Fault::Conflict);
  EXPECT_EQ(moved.error().message, sqlite_moved.error().message);
  reference->reset();
  sqlite.tear_down();
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volumes"), "2") << "nothing of the refused writes is stored";
}

TEST_F(PostgresCatalogTest, EightConcurrentInsertsOfOneLiveReferenceYieldExactlyOneRow) {
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = catalog_->insert_volume(volume("v" + std::to_string(i), "contested"));
      if (r.ok())
        ++ok;
      else if (r.error().fault == Fault::Conflict)
        ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volumes"), "1");
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volume_metadata"), "1");
  EXPECT_EQ(catalog_->generation() % 2, 0u);
}

TEST_F(PostgresCatalogTest, AnUnmanageAndASnapshotInsertOnOneVolumeNeverBothApply) {
  // SQLite serialises writes; here the snapshot insert locks its parent FOR SHARE and the
  // update locks its row first, so either the unmanage sees the snapshot or the insert sees
  // the unmanaging volume.
  for (int round = 0; round < 20; ++round) {
    const std::string v = "v" + std::to_string(round);
    ASSERT_TRUE(catalog_->insert_volume(volume(v, "volume-" + v)).ok());
    RowUpdate unmanage;
    unmanage.expected_status = {"available"};
    unmanage.status = "unmanaging";
    unmanage.require_no_live_snapshots = true;
    std::atomic<bool> inserted{false}, updated{false};
    std::thread a([&] { inserted = catalog_->insert_snapshot(snapshot("s" + v, v, "snap-" + v)).ok(); });
    std::thread b([&] {
      auto r = catalog_->update_volume(v, unmanage);
      updated = r.ok() && *r;
    });
    a.join();
    b.join();
    EXPECT_NE(inserted.load(), updated.load()) << "round " << round;
  }
}

TEST_F(PostgresCatalogTest, MigrationsAreIdempotentAndConcurrentOpensMigrateOnce) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  const auto tables = impl_.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  // schema_version, services, volumes, volume_metadata, snapshots, snapshot_metadata, reference_moves
  EXPECT_EQ(tables, "7");
  for (int i = 0; i < 2; ++i) {
    auto again = impl_.open();
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE((*again)->find_volume("v1")->has_value());
  }
  EXPECT_EQ(impl_.schema_version(), latest_postgres_schema_version());
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), tables);
  EXPECT_EQ(latest_postgres_schema_version(), latest_schema_version()) << "version N is the same schema on both";

  PostgresCatalogUnderTest fresh;
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { opened += fresh.open().ok() ? 1 : 0; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 4);
  EXPECT_EQ(fresh.schema_version(), latest_postgres_schema_version());
}

TEST_F(PostgresCatalogTest, ARestartedServerCostsAtMostOneFailedCallThenConnectionsAreRemade) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  {  // open all four connections of the pool
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back([&] { (void)catalog_->find_volumes({}); });
    for (auto& t : threads) t.join();
  }
  const auto before = server().query("postgres",
                                     "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE "
                                     "application_name = 'snapmgrd' AND datname = '" +
                                         impl_.database() + "'");
  std::string error;
  ASSERT_TRUE(server().restart(error)) << error;

  int failures = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = catalog_->find_volume("v1");
    if (!r.ok()) {
      EXPECT_TRUE(is_unavailable(r.error())) << r.error().message;
      EXPECT_EQ(i, 0) << "only the first call after the restart may fail: " << r.error().message;
      ++failures;
      continue;
    }
    EXPECT_TRUE(r->has_value());
  }
  EXPECT_LE(failures, 1);
  // Writes and concurrent calls work too, on connections made after the restart.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back(
        [&, i] { ok += catalog_->insert_volume(volume("w" + std::to_string(i), "after-" + std::to_string(i))).ok(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volumes"), "9");
  const auto after = server().query("postgres",
                                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                    "'snapmgrd' AND datname = '" +
                                        impl_.database() + "'");
  EXPECT_NE(after[0][0], "0");
  EXPECT_LE(std::stoi(after[0][0]), 4) << "never more than pool_size connections";
  EXPECT_FALSE(before[0][0].empty());
}

TEST_F(PostgresCatalogTest, AStoppedServerMakesEveryCallUnavailableQuicklyAndNothingIsHalfWritten) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  server().stop();
  const auto started = std::chrono::steady_clock::now();
  std::vector<ServiceError> errors;
  auto note = [&](const auto& result) {
    EXPECT_FALSE(result.ok());
    if (!result.ok()) errors.push_back(result.error());
  };
  note(catalog_->insert_volume(volume("v2", "volume-b")));
  note(catalog_->find_volume("v1"));
  note(catalog_->find_volumes({}));
  note(catalog_->find_snapshots({}));
  RowUpdate remove;
  remove.soft_delete = true;
  note(catalog_->update_volume("v1", remove));
  note(catalog_->update_metadata(ObjectKind::Volume, "v1", {{"x", "y"}}, true));
  note(catalog_->delete_metadata_key(ObjectKind::Volume, "v1", "k"));
  note(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")));
  note(catalog_->upsert_service(service_row("fake1", "", false)));
  note(catalog_->heartbeat("node1", {"fake1"}));
  note(catalog_->services());
  note(catalog_->live_references(ObjectKind::Volume, "node1@fake1"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "connection refused is reported at once";
  for (const auto& e : errors) {
    EXPECT_TRUE(is_unavailable(e)) << e.message;
    EXPECT_NE(e.message.find(server().url(impl_.database())), std::string::npos) << e.message;
  }
  EXPECT_EQ(catalog_->generation() % 2, 0u);

  std::string error;
  ASSERT_TRUE(server().restart(error)) << error;
  auto v1 = catalog_->find_volume("v1");
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  ASSERT_TRUE(v1->has_value()) << "the soft delete attempted while down did not happen";
  EXPECT_EQ((*v1)->metadata, (Metadata{{"k", "v"}})) << "nor did the metadata writes";
  EXPECT_FALSE(catalog_->find_volume("v2")->has_value()) << "the insert attempted while down is absent";
  EXPECT_TRUE(catalog_->find_snapshots({})->empty());
  EXPECT_TRUE(catalog_->services()->empty());
}

TEST_F(PostgresCatalogTest, AWriteCutOffByAStoppingServerLeavesNothingBehind) {
  // The insert's volume row is written, then its metadata stalls in a trigger; the server stops.
  // (A stall rather than a lock held by another session: a fast shutdown may end the holder
  // first, and the insert then commits before its own session is ended.)
  server().query(impl_.database(),
                 "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$; "
                 "CREATE TRIGGER stall BEFORE INSERT ON volume_metadata FOR EACH ROW EXECUTE FUNCTION stall()");
  ServiceStatus result = Done{};
  std::thread writer([&] { result = catalog_->insert_volume(volume("v1", "volume-a")); });
  ASSERT_TRUE(wait_for_blocked_session(impl_.database(), "Timeout"));
  server().stop();
  writer.join();
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(is_unavailable(result.error())) << result.error().message;
  std::string error;
  ASSERT_TRUE(server().restart(error)) << error;
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volumes"), "0");
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volume_metadata"), "0");
  EXPECT_FALSE(catalog_->find_volume("v1")->has_value());
  server().query(impl_.database(), "DROP TRIGGER stall ON volume_metadata");
  EXPECT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok()) << "and the catalog works again";
}

TEST_F(PostgresCatalogTest, AWriteWhoseSessionIsKilledBeforeCommitIsRunOnceMoreAndAppliedOnce) {
  HeldTransaction lock(impl_.database(), "LOCK TABLE volume_metadata IN ACCESS EXCLUSIVE MODE");
  ServiceStatus result = Done{};
  std::thread writer([&] { result = catalog_->insert_volume(volume("v1", "volume-a")); });
  ASSERT_TRUE(wait_for_blocked_session(impl_.database()));
  server().query("postgres",
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                 "'snapmgrd' AND wait_event_type = 'Lock'");
  ASSERT_TRUE(wait_for_blocked_session(impl_.database())) << "the retry waits for the lock on a new connection";
  lock.release();
  writer.join();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(impl_.scalar("SELECT count(*) FROM volumes"), "1");
  EXPECT_EQ(impl_.scalar("SELECT value FROM volume_metadata WHERE volume_id = 'v1' AND key = 'k'"), "v");
}

TEST_F(PostgresCatalogTest, ThePasswordIsNeededAndNeverAppearsInAMessageOrALogLine) {
  std::ostringstream logged;
  init_logging({"debug", "text"}, std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
  const std::string password = PostgresTestServer::kPassword;
  const std::string encoded = "Pa55-w0rd%3Awith%40odd%26chars%25";
  auto leaks = [&](const std::string& text) {
    return text.find(password) != std::string::npos || text.find(encoded) != std::string::npos ||
           text.find("w0rd") != std::string::npos;
  };
  std::vector<std::string> messages;

  auto none = impl_.settings();
  none.password.clear();
  auto without = PostgresCatalog::open(none);
  ASSERT_FALSE(without.ok()) << "the role needs its password (SCRAM over TCP)";
  EXPECT_TRUE(is_unavailable(without.error())) << without.error().message;

  auto wrong = impl_.settings();
  wrong.password = "not-the-Pa55";
  auto refused = PostgresCatalog::open(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(is_unavailable(refused.error()));
  EXPECT_NE(refused.error().message.find("password authentication failed for user \"snapmgr\""), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("not-the-Pa55"), std::string::npos);

  auto malformed = impl_.settings();  // libpq quotes a malformed URI back, parameters and all
  malformed.url = "postgresql://snapmgr@[::1:" + std::to_string(server().port()) + "/" + impl_.database();
  auto bad = PostgresCatalog::open(malformed);
  ASSERT_FALSE(bad.ok());
  messages.push_back(bad.error().message);

  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  server().stop();
  auto down = catalog_->find_volume("v1");
  ASSERT_FALSE(down.ok());
  messages.push_back(down.error().message);
  std::string error;
  ASSERT_TRUE(server().restart(error)) << error;
  EXPECT_TRUE(catalog_->find_volume("v1").ok());

  messages.push_back(without.error().message);
  messages.push_back(refused.error().message);
  for (const auto& m : messages) EXPECT_FALSE(leaks(m)) << m;
  const std::string log_text = logged.str();
  init_logging({});
  EXPECT_FALSE(leaks(log_text)) << log_text;
  EXPECT_NE(log_text.find("the connection broke"), std::string::npos) << "the log was captured: " << log_text;
}

TEST_F(PostgresCatalogTest, TheFactoryReadsThePasswordFileAndProbesForCheckConfig) {
  const std::string file = "/tmp/snapmgr-pg-password-" + std::to_string(::getpid());
  std::ofstream(file) << PostgresTestServer::kPassword << "\n";
  HostConfig config;
  config.state_dir = "/nonexistent";
  config.catalog = CatalogConfig{impl_.settings().url, file, 2, 1};
  auto probed = probe_catalog(config);
  ASSERT_TRUE(probed.ok()) << probed.error().message;
  EXPECT_EQ(*probed, "PostgreSQL " + impl_.settings().url + ": reachable, schema version 6 (this snapmgrd: 6)");
  auto opened = open_catalog(config, 0s);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE((*opened)->insert_volume(volume("v1", "volume-a")).ok());
  EXPECT_TRUE(catalog_->find_volume("v1")->has_value()) << "one database, two catalogs";

  std::ofstream(file) << "wrong\n";
  auto refused = probe_catalog(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("password authentication failed"), std::string::npos);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(open_catalog(config, 10s).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "a refused login is not waited out";
  std::remove(file.c_str());
  auto missing = open_catalog(config, 0s);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message.rfind("catalog.password_file: cannot read '" + file + "'", 0), 0u)
      << missing.error().message;

  config.catalog = CatalogConfig{"postgresql://snapmgr@127.0.0.1:1/x", "", 1, 1};  // nothing listens on port 1
  const auto waited = std::chrono::steady_clock::now();
  auto unreachable = open_catalog(config, 2s);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_TRUE(is_unavailable(unreachable.error())) << unreachable.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - waited, 1s) << "an unreachable server is tried again";
  EXPECT_LT(std::chrono::steady_clock::now() - waited, 10s);
}

TEST(PostgresUrl, DisplayedUrlsHoldNoPassword) {
  EXPECT_EQ(redact_postgres_url("postgresql://snapmgr@db:5432/cat"), "postgresql://snapmgr@db:5432/cat");
  EXPECT_EQ(redact_postgres_url("postgresql://u:secret@db/cat"), "postgresql://u:***@db/cat");
  EXPECT_EQ(redact_postgres_url("postgresql://u:p@ss:w0rd@db/cat"), "postgresql://u:***@db/cat");
  EXPECT_EQ(redact_postgres_url("postgres://db/cat?sslmode=require&password=x&user=u"),
            "postgres://db/cat?sslmode=require&password=***&user=u");
  EXPECT_EQ(redact_postgres_url("postgresql://db/cat?password=x#frag"), "postgresql://db/cat?password=***#frag");
  EXPECT_EQ(redact_postgres_url("postgresql://db/cat?old_password=x"), "postgresql://db/cat?old_password=x");
}

}  // namespace
}  // namespace snapmgr::core
