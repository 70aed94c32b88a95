// --copy-catalog (catalog_copy.hpp) from real SQLite files, made by the SQLite catalog, into
// databases of one real PostgreSQL 15 server for this executable: a round trip equal in every
// row and column, tables and columns a later migration adds, one transaction whose row counts
// are checked before it commits, and each refusal (a non-empty or foreign database, a missing,
// foreign, garbage or wrongly versioned file, different schemas, a wrong password) leaving the
// database as it was.
#include "core/catalog/catalog_copy.hpp"

#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "core/catalog/catalog_copy_values.hpp"
#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/postgres_catalog.hpp"
#include "core/catalog/postgres_migrations.hpp"
#include "core/catalog/postgres_test_server.hpp"

namespace snapmgr::core {
namespace {

using testing::PostgresTestServer;
using Rows = std::vector<std::vector<std::string>>;

[[maybe_unused]] auto* const g_environment = testing::register_shared_postgres();

PostgresTestServer& server() { return testing::shared_postgres(); }

const char* const kTables[] = {"services", "volumes", "volume_metadata", "snapshots", "snapshot_metadata"};

// A fresh, empty database per call.
std::string new_database() {
  static std::atomic<int> counter{0};
  std::string name = "copy_" + std::to_string(++counter);
  server().create_database(name);
  return name;
}

PostgresSettings settings(const std::string& database) {
  PostgresSettings s;
  s.url = server().url(database);
  s.password = PostgresTestServer::kPassword;
  s.connect_timeout_s = 2;
  return s;
}

std::string text_of(const SQLite::Column& value) { return value.isNull() ? "NULL" : value.getString(); }

// Every row of `table` in the SQLite file, every column as text, ordered by its first two columns.
Rows sqlite_dump(const std::string& path, const std::string& table) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::vector<std::string> columns;
  SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  info.bind(1, table);
  while (info.executeStep()) columns.push_back(info.getColumn(0).getString());
  SQLite::Statement select(db, "SELECT * FROM " + table + " ORDER BY " + columns.at(0) + ", " + columns.at(1));
  Rows out;
  while (select.executeStep()) {
    std::vector<std::string> row;
    for (int i = 0; i < select.getColumnCount(); ++i) row.push_back(text_of(select.getColumn(i)));
    out.push_back(std::move(row));
  }
  return out;
}

// The same from PostgreSQL, in SQLite's column order, booleans written as SQLite's 0 and 1.
Rows postgres_dump(const std::string& database, const std::string& sqlite_path, const std::string& table) {
  SQLite::Database db(sqlite_path, SQLite::OPEN_READONLY);
  std::string select;
  std::vector<std::string> columns;
  SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  info.bind(1, table);
  while (info.executeStep()) columns.push_back(info.getColumn(0).getString());
  std::vector<std::string> types;
  for (const auto& column : columns) {
    const auto type = server().query(database, "SELECT data_type FROM information_schema.columns WHERE table_name = '" +
                                                   table + "' AND column_name = '" + column + "'");
    types.push_back(type.empty() ? "" : type[0][0]);
    select += (select.empty() ? "" : ", ") + (types.back() == "boolean" ? column + "::int" : column);
  }
  // SQLite's order: text byte by byte.
  const auto key = [&](std::size_t i) { return columns.at(i) + (types.at(i) == "text" ? " COLLATE \"C\"" : ""); };
  return server().query(database, "SELECT " + select + " FROM " + table + " ORDER BY " + key(0) + ", " + key(1));
}

std::string count(const std::string& database, const std::string& table) {
  return server().query(database, "SELECT count(*) FROM " + table)[0][0];
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

VolumeServiceRow service(const std::string& backend) {
  VolumeServiceRow row;
  row.host = "node1";
  row.backend = backend;
  row.advertise_url = "http://127.0.0.1:8776";
  return row;
}

// A node's catalog as snapmgrd leaves it: services, volumes and snapshots in several statuses,
// live and soft-deleted, with metadata (some of it on the soft-deleted rows).
void fill(Catalog& catalog) {
  ASSERT_TRUE(catalog.upsert_service(service("fake1")).ok());
  auto lvm = service("lvm1");
  lvm.cluster = "c1";
  lvm.disabled = true;
  lvm.availability_zone = "zone-b";
  lvm.backend_up = false;
  ASSERT_TRUE(catalog.upsert_service(lvm).ok());

  auto live = volume("11111111-1111-1111-1111-111111111111", "volume-live");
  live.description = "it's \"quoted\", ünïcode ✓";
  live.volume_type = "fast";
  live.bootable = true;
  live.pool = "pool-a";
  live.cluster = "c1";
  live.metadata = {{"k", "v"}, {"ключ", "значение"}, {"empty", ""}, {"quote", "it's"}};
  ASSERT_TRUE(catalog.insert_volume(live).ok());
  auto in_use = volume("22222222-2222-2222-2222-222222222222", "volume-in-use");
  in_use.name = std::nullopt;
  in_use.status = "in-use";
  in_use.size_gib = 4096;
  in_use.metadata = {};
  ASSERT_TRUE(catalog.insert_volume(in_use).ok());
  auto failed = volume("33333333-3333-3333-3333-333333333333", "volume-error");
  failed.status = "error";
  ASSERT_TRUE(catalog.insert_volume(failed).ok());
  auto gone = volume("44444444-4444-4444-4444-444444444444", "volume-gone");
  gone.metadata = {{"old", "1"}};
  ASSERT_TRUE(catalog.insert_volume(gone).ok());

  auto snap = snapshot("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", live.id, "snap-live");
  snap.status = "available";
  snap.description = "nightly";
  ASSERT_TRUE(catalog.insert_snapshot(snap).ok());
  auto creating = snapshot("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb", in_use.id, "snap-creating");
  creating.metadata = {};
  ASSERT_TRUE(catalog.insert_snapshot(creating).ok());
  auto old = snapshot("cccccccc-cccc-cccc-cccc-cccccccccccc", gone.id, "snap-gone");
  old.metadata = {{"x", "y"}};
  ASSERT_TRUE(catalog.insert_snapshot(old).ok());

  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*catalog.update_snapshot(old.id, remove));
  ASSERT_TRUE(*catalog.update_volume(gone.id, remove));
  RowUpdate unmanaging;
  unmanaging.status = "unmanaging";
  ASSERT_TRUE(*catalog.update_snapshot(creating.id, unmanaging));
}

class CatalogCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_THROW(server());
    auto opened = sqlite_.open();
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    ASSERT_NO_FATAL_FAILURE(fill(**opened));
  }

  SqliteCatalogUnderTest sqlite_;
};

TEST_F(CatalogCopyTest, CopiesEveryRowAndColumnOfEveryTableIncludingSoftDeletedRowsAndMetadata) {
  const auto database = new_database();
  const std::string before = file_bytes(sqlite_.path());
  auto copied = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_TRUE(copied.ok()) << copied.error().message;

  EXPECT_EQ(copied->schema_version, latest_schema_version());
  EXPECT_EQ(copied->target, server().url(database));
  std::map<std::string, std::size_t> rows;
  std::vector<std::string> order;
  for (const auto& table : copied->tables) {
    rows[table.name] = table.rows;
    order.push_back(table.name);
  }
  EXPECT_EQ(rows,
            (std::map<std::string, std::size_t>{
                {"services", 2}, {"volumes", 4}, {"volume_metadata", 6}, {"snapshots", 3}, {"snapshot_metadata", 3}}));
  const auto position = [&](const char* name) { return std::find(order.begin(), order.end(), name) - order.begin(); };
  EXPECT_LT(position("volumes"), position("volume_metadata"));
  EXPECT_LT(position("volumes"), position("snapshots"));
  EXPECT_LT(position("snapshots"), position("snapshot_metadata"));

  for (const char* table : kTables) {
    const auto expected = sqlite_dump(sqlite_.path(), table);
    ASSERT_FALSE(expected.empty()) << table;
    EXPECT_EQ(postgres_dump(database, sqlite_.path(), table), expected) << table;
  }
  EXPECT_EQ(server().query(database, "SELECT version FROM schema_version")[0][0],
            std::to_string(latest_postgres_schema_version()));
  EXPECT_EQ(file_bytes(sqlite_.path()), before) << "the SQLite file is only read";

  // Read back through both catalogs: the same live rows, metadata and services.
  auto source = SqliteCatalog::open(sqlite_.path());
  auto target = PostgresCatalog::open(settings(database));
  ASSERT_TRUE(source.ok() && target.ok());
  for (const char* id : {"11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"}) {
    auto a = (*source)->find_volume(id);
    auto b = (*target)->find_volume(id);
    ASSERT_TRUE(a.ok() && b.ok() && *a && *b) << id;
    EXPECT_EQ((*b)->metadata, (*a)->metadata);
    EXPECT_EQ((*b)->description, (*a)->description);
    EXPECT_EQ((*b)->bootable, (*a)->bootable);
    EXPECT_EQ((*b)->provider_reference, (*a)->provider_reference);
    EXPECT_EQ((*b)->updated_at, (*a)->updated_at);
  }
  auto snap = (*target)->find_snapshot("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
  ASSERT_TRUE(snap.ok() && *snap);
  EXPECT_EQ((*snap)->metadata, (Metadata{{"a", "1"}, {"b", "two"}}));
  EXPECT_FALSE(*(*target)->find_volume("44444444-4444-4444-4444-444444444444")) << "still soft-deleted";
  auto services = (*target)->services();
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[1].backend, "lvm1");
  EXPECT_TRUE((*services)[1].disabled);
  EXPECT_FALSE((*services)[1].backend_up);
  EXPECT_EQ((*services)[1].availability_zone, "zone-b");
  // The copied catalog is a working one: the live-reference guard holds the copied rows.
  auto duplicate = volume("55555555-5555-5555-5555-555555555555", "volume-live");
  duplicate.backend = "node2@fake1";  // another member of the live volume's cluster: one scope
  duplicate.cluster = "c1";
  auto refused = (*target)->insert_volume(duplicate);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fault, Fault::Conflict);
}

TEST_F(CatalogCopyTest, CopiesTheColumnsAndTablesALaterMigrationAddsWithoutChangesToTheCopy) {
  // What a later migration might add, on both sides: columns, and tables whose creation order
  // is not their foreign-key order, with serial and identity keys.
  sqlite_.exec(
      "ALTER TABLE volumes ADD COLUMN handled_by TEXT;"
      "ALTER TABLE volumes ADD COLUMN claim_epoch INTEGER NOT NULL DEFAULT 0;"
      "CREATE TABLE aaa_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES zzz_parent(id), note TEXT);"
      "CREATE TABLE zzz_parent (id INTEGER PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0, ratio REAL);"
      "UPDATE volumes SET handled_by = 'node2', claim_epoch = 7 WHERE id LIKE '1111%';"
      "INSERT INTO zzz_parent VALUES (5, 1, 0.1), (9, 0, NULL);"
      "INSERT INTO aaa_child VALUES (3, 5, 'first'), (4, 9, NULL);");
  const auto database = new_database();
  ASSERT_TRUE(PostgresCatalog::open(settings(database)).ok());
  server().query(database,
                 "SET ROLE snapmgr;"
                 "ALTER TABLE volumes ADD COLUMN handled_by TEXT, ADD COLUMN claim_epoch BIGINT NOT NULL DEFAULT 0;"
                 "CREATE TABLE zzz_parent (id BIGSERIAL PRIMARY KEY, done BOOLEAN NOT NULL DEFAULT false, "
                 "ratio DOUBLE PRECISION);"
                 "CREATE TABLE aaa_child (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                 "parent BIGINT REFERENCES zzz_parent(id), note TEXT);");

  auto copied = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_TRUE(copied.ok()) << copied.error().message;
  ASSERT_EQ(copied->tables.size(), 7u);
  for (const char* table : {"volumes", "zzz_parent", "aaa_child"}) {
    EXPECT_EQ(postgres_dump(database, sqlite_.path(), table), sqlite_dump(sqlite_.path(), table)) << table;
  }
  EXPECT_EQ(server().query(database, "SELECT handled_by, claim_epoch FROM volumes WHERE id LIKE '1111%'"),
            (Rows{{"node2", "7"}}));
  EXPECT_EQ(server().query(database, "SELECT ratio FROM zzz_parent WHERE id = 5"), (Rows{{"0.1"}}));
  // The sequences continue after the values copied.
  EXPECT_EQ(server().query(database, "INSERT INTO zzz_parent DEFAULT VALUES RETURNING id"), (Rows{{"10"}}));
  EXPECT_EQ(server().query(database, "INSERT INTO aaa_child (note) VALUES ('new') RETURNING id"), (Rows{{"5"}}));
}

TEST_F(CatalogCopyTest, IsOneTransactionAValueItCannotCopyLeavesNoRowBehind) {
  // snapshots are copied after volumes: the volume rows were already inserted when this refuses.
  sqlite_.exec("UPDATE snapshots SET deleted = 2 WHERE id LIKE 'bbbb%'");
  const auto database = new_database();
  auto copied = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().fault, Fault::BadRequest);
  EXPECT_NE(copied.error().message.find("column deleted: 2 is not a boolean (0 or 1); nothing was copied"),
            std::string::npos)
      << copied.error().message;
  for (const char* table : kTables) EXPECT_EQ(count(database, table), "0") << table;
}

TEST_F(CatalogCopyTest, CountsTheRowsOfEachTableBeforeCommittingAndCommitsNothingWhenTheyDiffer) {
  const auto database = new_database();
  ASSERT_TRUE(PostgresCatalog::open(settings(database)).ok());
  // A trigger that loses a row: what the count after the inserts is there to notice.
  server().query(database,
                 "SET ROLE snapmgr;"
                 "CREATE FUNCTION lose_a_row() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN DELETE FROM volume_metadata WHERE key = 'empty'; RETURN NULL; END $$;"
                 "CREATE TRIGGER lose_a_row AFTER INSERT ON volume_metadata "
                 "FOR EACH STATEMENT EXECUTE FUNCTION lose_a_row()");
  auto copied = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().fault, Fault::Internal);
  EXPECT_EQ(copied.error().message, "verifying the copy failed: table volume_metadata has 6 rows in " + sqlite_.path() +
                                        ", 6 were read and 5 are in " + server().url(database) +
                                        "; nothing was copied");
  for (const char* table : kTables) EXPECT_EQ(count(database, table), "0") << table;
}

TEST_F(CatalogCopyTest, RefusesANonEmptyDatabaseAndChangesNothing) {
  const auto database = new_database();
  ASSERT_TRUE(copy_catalog(sqlite_.path(), settings(database)).ok());
  std::map<std::string, Rows> before;
  for (const char* table : kTables) before[table] = postgres_dump(database, sqlite_.path(), table);

  auto again = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().fault, Fault::Conflict);
  EXPECT_EQ(again.error().message.rfind("the database " + server().url(database) + " is not empty (table ", 0), 0u)
      << again.error().message;
  EXPECT_NE(again.error().message.find("copies into an empty database only; nothing was changed"), std::string::npos);
  for (const char* table : kTables) EXPECT_EQ(postgres_dump(database, sqlite_.path(), table), before[table]) << table;

  // One service row is enough to refuse.
  const auto services_only = new_database();
  auto catalog = PostgresCatalog::open(settings(services_only));
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE((*catalog)->upsert_service(service("fake1")).ok());
  auto refused = copy_catalog(sqlite_.path(), settings(services_only));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("(table services has 1 rows)"), std::string::npos) << refused.error().message;
  EXPECT_EQ(count(services_only, "volumes"), "0");

  // A database with rows at an older schema version is refused before it is migrated.
  const auto older = new_database();
  ASSERT_TRUE(PostgresCatalog::open(settings(older)).ok());
  server().query(older,
                 "UPDATE schema_version SET version = 2; ALTER TABLE services DROP COLUMN availability_zone, "
                 "DROP COLUMN advertise_url, DROP COLUMN backend_up; "
                 "INSERT INTO services (host, backend, created_at, updated_at) VALUES ('n', 'b', 't', 't')");
  auto old = copy_catalog(sqlite_.path(), settings(older));
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().fault, Fault::Conflict) << old.error().message;
  EXPECT_EQ(server().query(older, "SELECT version FROM schema_version")[0][0], "2") << "not migrated";

  // Another application's database: refused, and no table of ours is created in it.
  const auto foreign = new_database();
  server().query(foreign, "SET ROLE snapmgr; CREATE TABLE orders (id INT); INSERT INTO orders VALUES (1)");
  auto other = copy_catalog(sqlite_.path(), settings(foreign));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("(table orders has 1 rows)"), std::string::npos) << other.error().message;
  EXPECT_EQ(server().query(foreign, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"),
            (Rows{{"orders"}}));
}

TEST_F(CatalogCopyTest, RefusesAMissingForeignGarbageOrDifferentlyVersionedFileAndTouchesNoDatabase) {
  const auto database = new_database();
  const auto refusal = [&](const std::string& path) {
    auto copied = copy_catalog(path, settings(database));
    EXPECT_FALSE(copied.ok()) << path;
    return copied.ok() ? ServiceError{Fault::Internal, "copied"} : copied.error();
  };
  const auto dir = sqlite_.dir().string();

  auto missing = refusal(dir + "/nothing.sqlite");
  EXPECT_EQ(missing.fault, Fault::NotFound);
  EXPECT_EQ(missing.message, "no SQLite catalog at " + dir + "/nothing.sqlite");

  std::ofstream(dir + "/garbage.sqlite") << std::string(8192, 'x');
  auto garbage = refusal(dir + "/garbage.sqlite");
  EXPECT_EQ(garbage.fault, Fault::BadRequest);
  EXPECT_EQ(garbage.message, dir + "/garbage.sqlite is not a snapmgr catalog (not an SQLite database)");

  SQLite::Database(dir + "/other.sqlite", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)
      .exec("CREATE TABLE volumes (id TEXT); PRAGMA user_version = 3");
  auto other = refusal(dir + "/other.sqlite");
  EXPECT_EQ(other.message,
            dir + "/other.sqlite is not a snapmgr catalog (no volumes and snapshots tables at a schema version)");

  auto directory = refusal(dir);
  EXPECT_EQ(directory.message, dir + " is not a snapmgr catalog (not a regular file)");

  const int latest = latest_schema_version();
  sqlite_.set_schema_version(latest + 1);
  auto newer = refusal(sqlite_.path());
  EXPECT_EQ(newer.fault, Fault::BadRequest);
  EXPECT_EQ(newer.message, sqlite_.path() + " has schema version " + std::to_string(latest + 1) +
                               ", newer than this snapmgrd knows (" + std::to_string(latest) + ")");
  sqlite_.set_schema_version(latest - 1);
  auto older = refusal(sqlite_.path());
  EXPECT_NE(
      older.message.find("older than this snapmgrd's (" + std::to_string(latest) + "): start this snapmgrd on it once"),
      std::string::npos)
      << older.message;

  EXPECT_EQ(server().query(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0], "0");
}

TEST_F(CatalogCopyTest, RefusesSchemasThatDifferAtTheSameVersion) {
  const auto database = new_database();
  ASSERT_TRUE(PostgresCatalog::open(settings(database)).ok());
  server().query(database, "ALTER TABLE snapshots ADD COLUMN handled_by TEXT");
  auto copied = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().fault, Fault::BadRequest);
  EXPECT_EQ(copied.error().message,
            "the schemas of " + sqlite_.path() + " and " + server().url(database) + " differ at version " +
                std::to_string(latest_schema_version()) +
                ": table snapshots: column handled_by is only in PostgreSQL; nothing was copied");

  server().query(database, "ALTER TABLE snapshots DROP COLUMN handled_by");
  sqlite_.exec("CREATE TABLE jobs (id TEXT)");
  auto table = copy_catalog(sqlite_.path(), settings(database));
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find(": table jobs is only in SQLite;"), std::string::npos) << table.error().message;
  for (const char* name : kTables) EXPECT_EQ(count(database, name), "0") << name;
}

TEST_F(CatalogCopyTest, AWrongPasswordIsReportedClearlyWithoutThePassword) {
  const auto database = new_database();
  auto wrong = settings(database);
  wrong.password = "not-the-Pa55word";
  auto copied = copy_catalog(sqlite_.path(), wrong);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().fault, Fault::Unavailable);
  EXPECT_EQ(copied.error().message.rfind("catalog unavailable: cannot connect to " + server().url(database) + ": ", 0),
            0u)
      << copied.error().message;
  EXPECT_NE(copied.error().message.find("password authentication failed for user \"snapmgr\""), std::string::npos);
  EXPECT_EQ(copied.error().message.find("not-the-Pa55word"), std::string::npos);
  EXPECT_EQ(copied.error().message.find('\n'), std::string::npos);
}

TEST(CatalogCopyValues, TurnSqliteValuesIntoTextForThePostgresqlColumnType) {
  using catalog_copy::postgres_text;
  SQLite::Database db(":memory:");
  SQLite::Statement row(db, "SELECT 1, 0, 2, 'x', 1.5, x'00ff', NULL, 42, '7'");
  ASSERT_TRUE(row.executeStep());
  EXPECT_EQ(postgres_text(row.getColumn(0), "boolean"), "true");
  EXPECT_EQ(postgres_text(row.getColumn(1), "boolean"), "false");
  EXPECT_THROW(postgres_text(row.getColumn(2), "boolean"), catalog_copy::ValueRefused);
  EXPECT_THROW(postgres_text(row.getColumn(3), "boolean"), catalog_copy::ValueRefused);
  EXPECT_EQ(postgres_text(row.getColumn(3), "text"), "x");
  EXPECT_EQ(postgres_text(row.getColumn(4), "double precision"), "1.5");
  EXPECT_THROW(postgres_text(row.getColumn(4), "bigint"), catalog_copy::ValueRefused);
  EXPECT_EQ(postgres_text(row.getColumn(5), "bytea"), "\\x00ff");
  EXPECT_THROW(postgres_text(row.getColumn(5), "text"), catalog_copy::ValueRefused);
  EXPECT_EQ(postgres_text(row.getColumn(6), "bigint"), std::nullopt);
  EXPECT_EQ(postgres_text(row.getColumn(7), "bigint"), "42");
  EXPECT_EQ(postgres_text(row.getColumn(7), "text"), "42");
  EXPECT_THROW(postgres_text(row.getColumn(8), "integer"), catalog_copy::ValueRefused);
}

}  // namespace
}  // namespace snapmgr::core
