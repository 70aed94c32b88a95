// The SQLite catalog: the Catalog contract (catalog_contract_tests.hpp) and what is SQLite's own.
#include "core/catalog/sqlite_catalog.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "core/catalog/catalog_contract_tests.hpp"
#include "core/catalog/catalog_job_contract_tests.hpp"
#include "core/catalog/migrations.hpp"

namespace snapmgr::core {

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CatalogContractTest, SqliteCatalogUnderTest);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CatalogJobContractTest, SqliteCatalogUnderTest);

namespace {

using SqliteCatalogTest = CatalogContractTest<SqliteCatalogUnderTest>;

TEST_F(SqliteCatalogTest, OpensInWalModeAtTheLatestSchemaVersion) {
  SQLite::Database db(impl_.path());
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

}  // namespace
}  // namespace snapmgr::core
