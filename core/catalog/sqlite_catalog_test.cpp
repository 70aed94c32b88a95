#include "core/catalog/sqlite_catalog.hpp"

#include <filesystem>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {
namespace {

TEST_F(CatalogTest, OpensInWalModeAtTheLatestSchemaVersion) {
  SQLite::Database db((dir_ / "catalog.sqlite").string());
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), latest_schema_version());
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(CatalogTest, ReopeningKeepsDataAndANewerSchemaIsRefused) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  catalog_.reset();
  auto again = SqliteCatalog::open((dir_ / "catalog.sqlite").string());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->find_volume("v1")->has_value());
  again->reset();
  {
    SQLite::Database db((dir_ / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");
  }
  auto newer = SqliteCatalog::open((dir_ / "catalog.sqlite").string());
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.error().message.find("schema version 999, newer than this snapmgrd knows"), std::string::npos);
}

TEST_F(CatalogTest, VolumesAndSnapshotsRoundTripWithMetadata) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto v = catalog_->find_volume("v1");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->name.value_or(""), "vol-v1");
  EXPECT_EQ((*v)->metadata.at("k"), "v");
  EXPECT_EQ(*(*v)->provider_reference.find("source-name"), "volume-a");
  EXPECT_FALSE((*v)->description.has_value());
  auto s = catalog_->find_snapshot("s1");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->status, "creating");
  EXPECT_EQ((*s)->progress, "0%");
  EXPECT_EQ((*s)->metadata.size(), 2u);
  EXPECT_FALSE((*s)->updated_at.has_value());
  EXPECT_FALSE(catalog_->find_snapshot("nope")->has_value());
}

TEST_F(CatalogTest, QueriesFilterLiveRows) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto other = volume("v2", "volume-b");
  other.project_id = "p2";
  ASSERT_TRUE(catalog_->insert_volume(other).ok());
  EXPECT_EQ(catalog_->find_volumes({})->size(), 2u);
  RowQuery by_project;
  by_project.project_id = "p2";
  ASSERT_EQ(catalog_->find_volumes(by_project)->size(), 1u);
  RowQuery by_name;
  by_name.name = "vol-v1";
  ASSERT_EQ(catalog_->find_volumes(by_name)->size(), 1u);
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*catalog_->update_volume("v2", remove));
  EXPECT_EQ(catalog_->find_volumes({})->size(), 1u);
  EXPECT_FALSE(catalog_->find_volume("v2")->has_value());
}

TEST_F(CatalogTest, LiveReferenceIsUniquePerBackendUntilSoftDeleted) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto duplicate = catalog_->insert_snapshot(snapshot("s2", "v1", "lvol0"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().fault, Fault::Conflict);
  EXPECT_FALSE(catalog_->find_snapshot("s2")->has_value());
  auto elsewhere = snapshot("s3", "v1", "lvol0");
  elsewhere.backend = "node1@fake2";
  EXPECT_TRUE(catalog_->insert_snapshot(elsewhere).ok());
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*catalog_->update_snapshot("s1", remove));
  EXPECT_TRUE(catalog_->insert_snapshot(snapshot("s4", "v1", "lvol0")).ok());
}

TEST_F(CatalogTest, ConditionalUpdatesApplyOnlyFromExpectedStatus) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate unmanage;
  unmanage.expected_status = {"available", "error"};
  unmanage.status = "unmanaging";
  EXPECT_FALSE(*catalog_->update_snapshot("s1", unmanage));  // still creating
  RowUpdate finish;
  finish.expected_status = {"creating"};
  finish.status = "available";
  finish.size_gib = 5;
  finish.provider_reference = snapmgr::StringMap{{"source-name", "_snapshot-s1"}};
  EXPECT_TRUE(*catalog_->update_snapshot("s1", finish));
  auto s = *catalog_->find_snapshot("s1");
  EXPECT_EQ(s->status, "available");
  EXPECT_EQ(s->size_gib, 5);
  EXPECT_EQ(*s->provider_reference.find("source-name"), "_snapshot-s1");
  EXPECT_TRUE(s->updated_at.has_value());
  EXPECT_TRUE(*catalog_->update_snapshot("s1", unmanage));
  EXPECT_FALSE(*catalog_->update_snapshot("nope", unmanage));
}

TEST_F(CatalogTest, MovingAReferenceOntoALiveOneIsAConflict) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s2", "v1", "b")).ok());
  RowUpdate move;
  move.provider_reference = snapmgr::StringMap{{"source-name", "a"}};
  auto r = catalog_->update_snapshot("s2", move);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Conflict);
}

TEST_F(CatalogTest, ASnapshotNeedsItsVolumeAvailableOrInUseAtInsertTime) {
  auto v = volume("v1", "volume-a");
  v.status = "unmanaging";
  ASSERT_TRUE(catalog_->insert_volume(v).ok());
  auto r = catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Conflict);
  EXPECT_FALSE(catalog_->insert_snapshot(snapshot("s2", "missing", "lvol1")).ok());
  EXPECT_TRUE(catalog_->find_snapshots({})->empty());
}

TEST_F(CatalogTest, AVolumeWithALiveSnapshotIsNotUpdatedWhenThatIsRequired) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate unmanage;
  unmanage.status = "unmanaging";
  unmanage.require_no_live_snapshots = true;
  EXPECT_FALSE(*catalog_->update_volume("v1", unmanage));
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*catalog_->update_snapshot("s1", remove));
  EXPECT_TRUE(*catalog_->update_volume("v1", unmanage));
}

TEST_F(CatalogTest, GenerationChangesOnWrites) {
  auto g0 = catalog_->generation();
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto g1 = catalog_->generation();
  EXPECT_NE(g0, g1);
  (void)catalog_->find_volumes({});
  EXPECT_EQ(catalog_->generation(), g1);
}

TEST_F(CatalogTest, GenerationIsEvenBetweenWritesAndOddDuringThem) {
  // A listing derived while the generation is odd is never reused: the write it overlapped
  // may already be visible (the soak found listings reused across an adoption this way).
  EXPECT_EQ(catalog_->generation() % 2, 0u);
  const auto g0 = catalog_->generation();
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  EXPECT_EQ(catalog_->generation(), g0 + 2);
  RowUpdate no_match;
  no_match.expected_status = {"nonexistent"};
  no_match.status = "error";
  EXPECT_FALSE(*catalog_->update_volume("v1", no_match));
  EXPECT_EQ(catalog_->generation() % 2, 0u);
  EXPECT_FALSE(catalog_->insert_volume(volume("v1", "volume-a")).ok()) << "a failed write";
  EXPECT_EQ(catalog_->generation() % 2, 0u) << "leaves it even too";
}

TEST_F(CatalogTest, LiveReferencesOfABackend) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto refs = catalog_->live_references(ObjectKind::Snapshot, "node1@fake1");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].id, "s1");
  EXPECT_EQ(*(*refs)[0].provider_reference.find("source-name"), "lvol0");
  EXPECT_TRUE(catalog_->live_references(ObjectKind::Snapshot, "node1@other")->empty());
  EXPECT_EQ(catalog_->live_references(ObjectKind::Volume, "node1@fake1")->size(), 1u);
}

TEST_F(CatalogTest, ThirtyTwoConcurrentInsertsOfOneReferenceYieldOneRow) {
  ASSERT_TRUE(catalog_->insert_volume(volume("v1", "volume-a")).ok());
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      auto r = catalog_->insert_snapshot(snapshot("s" + std::to_string(i), "v1", "lvol0"));
      if (r.ok()) ++ok;
      else if (r.error().fault == Fault::Conflict) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 31);
  EXPECT_EQ(catalog_->find_snapshots({})->size(), 1u);
}

VolumeServiceRow service_row(std::string backend, std::string cluster, bool disabled) {
  VolumeServiceRow row;
  row.host = "node1";
  row.backend = std::move(backend);
  row.cluster = std::move(cluster);
  row.disabled = disabled;
  return row;
}

TEST_F(CatalogTest, ServicesAreUpsertedAndHeartbeated) {
  ASSERT_TRUE(catalog_->upsert_service(service_row("fake1", "c1", false)).ok());
  ASSERT_TRUE(catalog_->upsert_service(service_row("fake1", "c2", true)).ok());
  auto services = catalog_->services();
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].cluster, "c2");
  EXPECT_TRUE((*services)[0].disabled);
  auto before = (*services)[0].updated_at;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(*catalog_->heartbeat("node1", {"fake1"}), 1u);
  EXPECT_NE((*catalog_->services())[0].updated_at, before);
}

TEST_F(CatalogTest, ServiceRowsKeepTheRegistryFields) {
  auto row = service_row("fake1", "", false);
  row.availability_zone = "zone-a";
  row.advertise_url = "http://10.0.0.1:8776";
  row.backend_up = false;
  ASSERT_TRUE(catalog_->upsert_service(row).ok());
  ASSERT_TRUE(catalog_->upsert_service(service_row("fake2", "c1", false)).ok());
  auto services = catalog_->services();
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[0].backend, "fake1");
  EXPECT_EQ((*services)[0].availability_zone, "zone-a");
  EXPECT_EQ((*services)[0].advertise_url, "http://10.0.0.1:8776");
  EXPECT_FALSE((*services)[0].backend_up);
  EXPECT_EQ((*services)[1].availability_zone, "nova");
  EXPECT_TRUE((*services)[1].backend_up);
}

TEST_F(CatalogTest, HeartbeatTouchesOnlyTheNamedServices) {
  ASSERT_TRUE(catalog_->upsert_service(service_row("fake1", "", false)).ok());
  ASSERT_TRUE(catalog_->upsert_service(service_row("broken", "", false)).ok());
  auto before = *catalog_->services();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // "gone" has no row: the count tells the caller to register it again.
  ASSERT_EQ(*catalog_->heartbeat("node1", {"fake1", "gone"}), 1u);
  auto after = *catalog_->services();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].backend, "broken");
  EXPECT_EQ(after[0].updated_at, before[0].updated_at);
  EXPECT_NE(after[1].updated_at, before[1].updated_at);
  EXPECT_EQ(*catalog_->heartbeat("node2", {"fake1"}), 0u);
}

}  // namespace
}  // namespace snapmgr::core
