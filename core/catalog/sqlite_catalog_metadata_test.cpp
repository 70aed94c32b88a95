// The SQLite catalog's metadata writes and the volumes' pool column (schema version 2).
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/migrations.hpp"

namespace snapmgr::core {
namespace {

Metadata stored_volume_metadata(Catalog& catalog, const std::string& id) { return (*catalog.find_volume(id))->metadata; }
Metadata stored_snapshot_metadata(Catalog& catalog, const std::string& id) {
  return (*catalog.find_snapshot(id))->metadata;
}

TEST_F(CatalogTest, MergingMetadataAddsAndOverwritesKeysAndKeepsTheOthers) {
  auto v = volume("v1", "volume-a");
  v.metadata = {{"k", "v"}, {"keep", "me"}};
  ASSERT_TRUE(catalog_->insert_volume(v).ok());
  const auto before = catalog_->generation();
  auto after = catalog_->update_metadata(ObjectKind::Volume, "v1", {{"k", "new"}, {"x", "1"}}, false);
  ASSERT_TRUE(after.ok()) << after.error().message;
  ASSERT_TRUE(after->has_value());
  const Metadata expected{{"k", "new"}, {"keep", "me"}, {"x", "1"}};
  EXPECT_EQ(**after, expected);
  EXPECT_EQ(stored_volume_metadata(*catalog_, "v1"), expected);
  EXPECT_GT(catalog_->generation(), before);
  EXPECT_EQ(catalog_->generation() % 2, 0u) << "even again once the write is done";
  EXPECT_FALSE((*catalog_->find_volume("v1"))->updated_at.has_value());  // as Cinder: the row is not touched
}

TEST_F(CatalogTest, ReplacingMetadataKeepsOnlyTheGivenKeys) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto replaced = catalog_->update_metadata(ObjectKind::Snapshot, "s1", {{"c", "3"}, {"a", "one"}}, true);
  ASSERT_TRUE(replaced.ok() && replaced->has_value());
  EXPECT_EQ(stored_snapshot_metadata(*catalog_, "s1"), (Metadata{{"a", "one"}, {"c", "3"}}));
  auto emptied = catalog_->update_metadata(ObjectKind::Snapshot, "s1", {}, true);
  ASSERT_TRUE(emptied.ok() && emptied->has_value());
  EXPECT_TRUE((*emptied)->empty());
  EXPECT_TRUE(stored_snapshot_metadata(*catalog_, "s1").empty());
  EXPECT_EQ(stored_volume_metadata(*catalog_, "v1"), (Metadata{{"k", "v"}}));  // the volume's own is untouched
}

TEST_F(CatalogTest, MetadataOfAMissingOrSoftDeletedRowIsNotWritten) {
  auto missing = catalog_->update_metadata(ObjectKind::Volume, "nope", {{"a", "b"}}, false);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate gone;
  gone.soft_delete = true;
  ASSERT_TRUE(*catalog_->update_snapshot("s1", gone));
  const auto before = catalog_->generation();
  auto deleted_row = catalog_->update_metadata(ObjectKind::Snapshot, "s1", {{"a", "b"}}, true);
  ASSERT_TRUE(deleted_row.ok());
  EXPECT_FALSE(deleted_row->has_value());
  auto key = catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(*key);
  EXPECT_EQ(catalog_->generation(), before);
  SQLite::Database db((dir_ / "catalog.sqlite").string());
  EXPECT_EQ(db.execAndGet("SELECT value FROM snapshot_metadata WHERE snapshot_id = 's1' AND key = 'a'").getString(), "1");
}

TEST_F(CatalogTest, DeletingAMetadataKeyRemovesOnlyThatKeyOnce) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto first = catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_EQ(stored_snapshot_metadata(*catalog_, "s1"), (Metadata{{"b", "two"}}));
  auto again = catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_FALSE(*catalog_->delete_metadata_key(ObjectKind::Volume, "v1", "b"));  // a snapshot's key, not the volume's
  EXPECT_TRUE(*catalog_->delete_metadata_key(ObjectKind::Volume, "v1", "k"));
  EXPECT_TRUE(stored_volume_metadata(*catalog_, "v1").empty());
}

TEST_F(CatalogTest, AVolumeKeepsItsPool) {
  auto v = volume("v1", "volume-a");
  v.pool = "gold";
  ASSERT_TRUE(catalog_->insert_volume(v).ok());
  EXPECT_EQ((*catalog_->find_volume("v1"))->pool, "gold");
  RowQuery all;
  EXPECT_EQ(catalog_->find_volumes(all)->at(0).pool, "gold");
}

TEST_F(CatalogTest, MigrationTwoGivesEarlierVolumesTheirBackendsNameAsPool) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  catalog_.reset();
  {  // back to schema version 1: no pool column, no service registry columns (migration 3)
    SQLite::Database db((dir_ / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
    db.exec("ALTER TABLE volumes DROP COLUMN pool");
    for (const char* column : {"availability_zone", "advertise_url", "backend_up"}) {
      db.exec(std::string("ALTER TABLE services DROP COLUMN ") + column);
    }
    db.exec("PRAGMA user_version = 1");
  }
  auto reopened = SqliteCatalog::open((dir_ / "catalog.sqlite").string());
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*(*reopened)->find_volume("v1"))->pool, "fake1");
  SQLite::Database db((dir_ / "catalog.sqlite").string());
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
  EXPECT_EQ(latest_schema_version(), 3);
}

TEST_F(CatalogTest, MigrationThreeGivesEarlierServicesTheDefaults) {
  catalog_.reset();
  {  // a version-2 catalog with one registered service
    SQLite::Database db((dir_ / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
    for (const char* column : {"availability_zone", "advertise_url", "backend_up"}) {
      db.exec(std::string("ALTER TABLE services DROP COLUMN ") + column);
    }
    db.exec("INSERT INTO services (host, backend, cluster, disabled, created_at, updated_at) "
            "VALUES ('node1', 'fake1', 'c1', 0, '2026-01-01T00:00:00.000000', '2026-01-01T00:00:00.000000')");
    db.exec("PRAGMA user_version = 2");
  }
  auto reopened = SqliteCatalog::open((dir_ / "catalog.sqlite").string());
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto services = (*reopened)->services();
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].availability_zone, "nova");
  EXPECT_EQ((*services)[0].advertise_url, "");
  EXPECT_TRUE((*services)[0].backend_up);
  EXPECT_EQ((*services)[0].updated_at, "2026-01-01T00:00:00.000000");
}

}  // namespace
}  // namespace snapmgr::core
