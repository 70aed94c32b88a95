// The Catalog contract (catalog.hpp), as typed tests run on every implementation: included and
// instantiated by sqlite_catalog_test.cpp (executable catalog_test) and postgres_catalog_test.cpp
// (against a real PostgreSQL 15). Each test starts from an empty catalog (catalog_test_fixture.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/catalog/catalog_test_fixture.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/reference_scope.hpp"

namespace snapmgr::core {

TYPED_TEST_SUITE_P(CatalogContractTest);

inline VolumeServiceRow service_row(std::string backend, std::string cluster, bool disabled) {
  VolumeServiceRow row;
  row.host = "node1";
  row.backend = std::move(backend);
  row.cluster = std::move(cluster);
  row.disabled = disabled;
  return row;
}

// Back to before migration 3 (the service registry's columns); the same SQL on every catalog.
template <class Impl>
void drop_service_registry_columns(Impl& impl) {
  for (const char* column : {"availability_zone", "advertise_url", "backend_up"}) {
    impl.exec(std::string("ALTER TABLE services DROP COLUMN ") + column);
  }
}

// Back to before migration 4 (the job columns); the same SQL on every catalog.
template <class Impl>
void drop_job_columns(Impl& impl) {
  for (const char* column : {"claimed_by", "claimed_at", "job_request_id"}) {
    impl.exec(std::string("ALTER TABLE volumes DROP COLUMN ") + column);
    impl.exec(std::string("ALTER TABLE snapshots DROP COLUMN ") + column);
  }
  impl.exec("ALTER TABLE snapshots DROP COLUMN job_size_gib");
}

// Back to before migration 6 (the reference scopes); the same SQL on every catalog.
template <class Impl>
void drop_reference_scopes(Impl& impl) {
  for (const char* table : {"volumes", "snapshots"}) {
    impl.exec(std::string("DROP INDEX ") + table + "_live_reference");
    impl.exec(std::string("ALTER TABLE ") + table + " DROP COLUMN scope");
    impl.exec(std::string("CREATE UNIQUE INDEX ") + table + "_live_reference ON " + table +
              "(backend, provider_reference) WHERE NOT deleted");
  }
  impl.exec("ALTER TABLE reference_moves RENAME COLUMN scope TO backend");
}

// Back to before migration 5 (the log of reference moves) and 6; the same SQL on every catalog.
template <class Impl>
void drop_reference_moves(Impl& impl) {
  drop_reference_scopes(impl);
  impl.exec("DROP TABLE reference_moves");
}

inline Metadata stored_volume_metadata(Catalog& catalog, const std::string& id) {
  return (*catalog.find_volume(id))->metadata;
}
inline Metadata stored_snapshot_metadata(Catalog& catalog, const std::string& id) {
  return (*catalog.find_snapshot(id))->metadata;
}

TYPED_TEST_P(CatalogContractTest, ReopeningKeepsDataAndANewerSchemaIsRefused) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  this->catalog_.reset();
  auto again = this->impl_.open();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->find_volume("v1")->has_value());
  again->reset();
  this->impl_.set_schema_version(999);
  auto newer = this->impl_.open();
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.error().message.find("schema version 999, newer than this snapmgrd knows"), std::string::npos);
}

TYPED_TEST_P(CatalogContractTest, VolumesAndSnapshotsRoundTripWithMetadata) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto v = this->catalog_->find_volume("v1");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->name.value_or(""), "vol-v1");
  EXPECT_EQ((*v)->metadata.at("k"), "v");
  EXPECT_EQ(*(*v)->provider_reference.find("source-name"), "volume-a");
  EXPECT_FALSE((*v)->description.has_value());
  auto s = this->catalog_->find_snapshot("s1");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->status, "creating");
  EXPECT_EQ((*s)->progress, "0%");
  EXPECT_EQ((*s)->metadata.size(), 2u);
  EXPECT_FALSE((*s)->updated_at.has_value());
  EXPECT_FALSE(this->catalog_->find_snapshot("nope")->has_value());
}

TYPED_TEST_P(CatalogContractTest, QueriesFilterLiveRows) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto other = volume("v2", "volume-b");
  other.project_id = "p2";
  ASSERT_TRUE(this->catalog_->insert_volume(other).ok());
  EXPECT_EQ(this->catalog_->find_volumes({})->size(), 2u);
  RowQuery by_project;
  by_project.project_id = "p2";
  ASSERT_EQ(this->catalog_->find_volumes(by_project)->size(), 1u);
  RowQuery by_name;
  by_name.name = "vol-v1";
  ASSERT_EQ(this->catalog_->find_volumes(by_name)->size(), 1u);
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*this->catalog_->update_volume("v2", remove));
  EXPECT_EQ(this->catalog_->find_volumes({})->size(), 1u);
  EXPECT_FALSE(this->catalog_->find_volume("v2")->has_value());
}

TYPED_TEST_P(CatalogContractTest, LiveReferenceIsUniquePerBackendUntilSoftDeleted) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto duplicate = this->catalog_->insert_snapshot(snapshot("s2", "v1", "lvol0"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().fault, Fault::Conflict);
  EXPECT_FALSE(this->catalog_->find_snapshot("s2")->has_value());
  auto elsewhere = snapshot("s3", "v1", "lvol0");
  elsewhere.backend = "node1@fake2";
  EXPECT_TRUE(this->catalog_->insert_snapshot(elsewhere).ok());
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*this->catalog_->update_snapshot("s1", remove));
  EXPECT_TRUE(this->catalog_->insert_snapshot(snapshot("s4", "v1", "lvol0")).ok());
}

TYPED_TEST_P(CatalogContractTest, ConditionalUpdatesApplyOnlyFromExpectedStatus) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate unmanage;
  unmanage.expected_status = {"available", "error"};
  unmanage.status = "unmanaging";
  EXPECT_FALSE(*this->catalog_->update_snapshot("s1", unmanage));  // still creating
  RowUpdate finish;
  finish.expected_status = {"creating"};
  finish.status = "available";
  finish.size_gib = 5;
  finish.provider_reference = snapmgr::StringMap{{"source-name", "_snapshot-s1"}};
  EXPECT_TRUE(*this->catalog_->update_snapshot("s1", finish));
  auto s = *this->catalog_->find_snapshot("s1");
  EXPECT_EQ(s->status, "available");
  EXPECT_EQ(s->size_gib, 5);
  EXPECT_EQ(*s->provider_reference.find("source-name"), "_snapshot-s1");
  EXPECT_TRUE(s->updated_at.has_value());
  EXPECT_TRUE(*this->catalog_->update_snapshot("s1", unmanage));
  EXPECT_FALSE(*this->catalog_->update_snapshot("nope", unmanage));
}

TYPED_TEST_P(CatalogContractTest, MovingAReferenceOntoALiveOneIsAConflict) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s2", "v1", "b")).ok());
  RowUpdate move;
  move.provider_reference = snapmgr::StringMap{{"source-name", "a"}};
  auto r = this->catalog_->update_snapshot("s2", move);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Conflict);
}

// An adoption inspected "volume-a" before another adoption renamed it (its row moved to
// "volume-v1"): its insert is a conflict. Moves of other references, other backends, other kinds,
// or from before the mark do not count; an update that keeps the reference is no move.
TYPED_TEST_P(CatalogContractTest, AnInsertInspectedBeforeAMoveOffItsReferenceIsAConflict) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto mark = this->catalog_->reference_mark();
  ASSERT_TRUE(mark.ok()) << mark.error().message;
  RowUpdate same;
  same.provider_reference = snapmgr::StringMap{{"source-name", "volume-a"}};
  ASSERT_TRUE(*this->catalog_->update_volume("v1", same));
  EXPECT_EQ(*this->catalog_->reference_mark(), *mark) << "no move";
  RowUpdate renamed;
  renamed.provider_reference = snapmgr::StringMap{{"source-name", "volume-v1"}};
  ASSERT_TRUE(*this->catalog_->update_volume("v1", renamed));
  EXPECT_GT(*this->catalog_->reference_mark(), *mark);

  auto late = volume("v2", "volume-a");
  late.inspected_after = *mark;
  auto r = this->catalog_->insert_volume(late);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Conflict);
  EXPECT_FALSE(this->catalog_->find_volume("v2")->has_value());

  auto other_name = volume("v3", "volume-b");
  other_name.inspected_after = *mark;
  EXPECT_TRUE(this->catalog_->insert_volume(other_name).ok());
  auto other_backend = volume("v4", "volume-a");
  other_backend.backend = "node1@fake2";
  other_backend.inspected_after = *mark;
  EXPECT_TRUE(this->catalog_->insert_volume(other_backend).ok());
  auto snapshot_named_so = snapshot("s1", "v3", "volume-a");
  snapshot_named_so.inspected_after = *mark;
  EXPECT_TRUE(this->catalog_->insert_snapshot(snapshot_named_so).ok());
  auto inspected_later = volume("v5", "volume-a");
  inspected_later.inspected_after = *this->catalog_->reference_mark();
  EXPECT_TRUE(this->catalog_->insert_volume(inspected_later).ok()) << "a new object under the old name";

  RowUpdate snapshot_renamed;
  snapshot_renamed.provider_reference = snapmgr::StringMap{{"source-name", "_snapshot-s1"}};
  const auto before_snapshot = *this->catalog_->reference_mark();
  ASSERT_TRUE(*this->catalog_->update_snapshot("s1", snapshot_renamed));
  auto late_snapshot = snapshot("s2", "v3", "volume-a");
  late_snapshot.inspected_after = before_snapshot;
  auto rs = this->catalog_->insert_snapshot(late_snapshot);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().fault, Fault::Conflict);
}

// Two members of cluster c1 serve backend nfs1: an object one manages, the other cannot manage
// again, and each sees the other's rows; a backend outside the cluster, or of another name, is
// its own scope. A snapshot is in its volume's scope.
TYPED_TEST_P(CatalogContractTest, ClusterMembersShareOneReferenceScope) {
  auto on = [](const std::string& id, const std::string& backend, const std::string& cluster) {
    auto v = volume(id, "volume-x");
    v.backend = backend;
    v.cluster = cluster;
    return v;
  };
  ASSERT_TRUE(this->catalog_->insert_volume(on("v1", "node1@nfs1", "c1")).ok());
  auto twice = this->catalog_->insert_volume(on("v2", "node2@nfs1", "c1"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().fault, Fault::Conflict);
  EXPECT_TRUE(this->catalog_->insert_volume(on("v3", "node3@nfs1", "")).ok());
  EXPECT_TRUE(this->catalog_->insert_volume(on("v4", "node2@nfs2", "c1")).ok());
  EXPECT_TRUE(this->catalog_->insert_volume(on("v5", "node2@nfs1", "c2")).ok());

  auto members = this->catalog_->live_references(ObjectKind::Volume, reference_scope("node2@nfs1", "c1"));
  ASSERT_TRUE(members.ok()) << members.error().message;
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ(members->at(0).id, "v1");
  EXPECT_EQ(this->catalog_->live_references(ObjectKind::Volume, "node3@nfs1")->size(), 1u);

  auto s1 = snapshot("s1", "v1", "snap");
  s1.backend = "node1@nfs1";
  ASSERT_TRUE(this->catalog_->insert_snapshot(s1).ok());
  auto s2 = snapshot("s2", "v1", "snap");
  s2.backend = "node1@nfs1";
  EXPECT_EQ(this->catalog_->insert_snapshot(s2).error().fault, Fault::Conflict);
  EXPECT_EQ(this->catalog_->live_references(ObjectKind::Snapshot, reference_scope("node2@nfs1", "c1"))->size(), 1u);
}

// A version-5 catalog: its rows and logged moves get their scopes, so the guard holds across the
// cluster for them too.
TYPED_TEST_P(CatalogContractTest, MigrationSixGivesEarlierRowsTheirReferenceScope) {
  auto clustered = volume("v1", "volume-a");
  clustered.backend = "node1@nfs1";
  clustered.cluster = "c1";
  ASSERT_TRUE(this->catalog_->insert_volume(clustered).ok());
  auto s1 = snapshot("s1", "v1", "snap-a");
  s1.backend = "node1@nfs1";
  ASSERT_TRUE(this->catalog_->insert_snapshot(s1).ok());
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v2", "volume-b")).ok());
  const auto mark = *this->catalog_->reference_mark();
  RowUpdate renamed;
  renamed.provider_reference = snapmgr::StringMap{{"source-name", "volume-v1"}};
  ASSERT_TRUE(*this->catalog_->update_volume("v1", renamed));
  this->catalog_.reset();
  drop_reference_scopes(this->impl_);
  this->impl_.set_schema_version(5);

  auto reopened = this->impl_.open();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(this->impl_.schema_version(), latest_schema_version());
  Catalog& catalog = **reopened;
  const std::string c1 = reference_scope("node2@nfs1", "c1");
  ASSERT_EQ(catalog.live_references(ObjectKind::Volume, c1)->size(), 1u);
  ASSERT_EQ(catalog.live_references(ObjectKind::Snapshot, c1)->size(), 1u);
  ASSERT_EQ(catalog.live_references(ObjectKind::Volume, "node1@fake1")->size(), 1u);
  auto again = volume("v3", "volume-v1");
  again.backend = "node2@nfs1";
  again.cluster = "c1";
  EXPECT_EQ(catalog.insert_volume(again).error().fault, Fault::Conflict);
  auto inspected_before_the_move = volume("v4", "volume-a");
  inspected_before_the_move.backend = "node2@nfs1";
  inspected_before_the_move.cluster = "c1";
  inspected_before_the_move.inspected_after = mark;
  EXPECT_EQ(catalog.insert_volume(inspected_before_the_move).error().fault, Fault::Conflict);
  auto snapshot_again = snapshot("s2", "v1", "snap-a");
  snapshot_again.backend = "node1@nfs1";
  EXPECT_EQ(catalog.insert_snapshot(snapshot_again).error().fault, Fault::Conflict);
}

// The insert and the move race: whichever commits first, the late adoption's row never gets in.
TYPED_TEST_P(CatalogContractTest, AnInsertRacingAMoveOffItsReferenceNeverGetsIn) {
  for (int i = 0; i < 40; ++i) {
    const std::string name = "volume-" + std::to_string(i);
    ASSERT_TRUE(this->catalog_->insert_volume(volume("first" + std::to_string(i), name)).ok());
    const auto mark = *this->catalog_->reference_mark();
    RowUpdate renamed;
    renamed.provider_reference = snapmgr::StringMap{{"source-name", "renamed-" + std::to_string(i)}};
    // Owned copies; the catalog outlives the thread (joined below).
    std::thread mover([catalog = this->catalog_.get(), id = "first" + std::to_string(i), renamed] {
      auto moved = catalog->update_volume(id, renamed);
      EXPECT_TRUE(moved.ok() && *moved);
    });
    auto late = volume("late" + std::to_string(i), name);
    late.inspected_after = mark;
    auto r = this->catalog_->insert_volume(late);
    mover.join();
    ASSERT_FALSE(r.ok()) << "round " << i;
    EXPECT_EQ(r.error().fault, Fault::Conflict);
  }
  EXPECT_EQ(this->catalog_->find_volumes({})->size(), 40u);
}

TYPED_TEST_P(CatalogContractTest, ASnapshotNeedsItsVolumeAvailableOrInUseAtInsertTime) {
  auto v = volume("v1", "volume-a");
  v.status = "unmanaging";
  ASSERT_TRUE(this->catalog_->insert_volume(v).ok());
  auto r = this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Conflict);
  EXPECT_FALSE(this->catalog_->insert_snapshot(snapshot("s2", "missing", "lvol1")).ok());
  EXPECT_TRUE(this->catalog_->find_snapshots({})->empty());
}

TYPED_TEST_P(CatalogContractTest, AVolumeWithALiveSnapshotIsNotUpdatedWhenThatIsRequired) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate unmanage;
  unmanage.status = "unmanaging";
  unmanage.require_no_live_snapshots = true;
  EXPECT_FALSE(*this->catalog_->update_volume("v1", unmanage));
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*this->catalog_->update_snapshot("s1", remove));
  EXPECT_TRUE(*this->catalog_->update_volume("v1", unmanage));
}

TYPED_TEST_P(CatalogContractTest, GenerationChangesOnWrites) {
  auto g0 = this->catalog_->generation();
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  auto g1 = this->catalog_->generation();
  EXPECT_NE(g0, g1);
  (void)this->catalog_->find_volumes({});
  EXPECT_EQ(this->catalog_->generation(), g1);
}

TYPED_TEST_P(CatalogContractTest, GenerationIsEvenBetweenWritesAndOddDuringThem) {
  // A listing derived while the generation is odd is never reused: the write it overlapped
  // may already be visible (the soak found listings reused across an adoption this way).
  EXPECT_EQ(this->catalog_->generation() % 2, 0u);
  const auto g0 = this->catalog_->generation();
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  EXPECT_EQ(this->catalog_->generation(), g0 + 2);
  RowUpdate no_match;
  no_match.expected_status = {"nonexistent"};
  no_match.status = "error";
  EXPECT_FALSE(*this->catalog_->update_volume("v1", no_match));
  EXPECT_EQ(this->catalog_->generation() % 2, 0u);
  EXPECT_FALSE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok()) << "a failed write";
  EXPECT_EQ(this->catalog_->generation() % 2, 0u) << "leaves it even too";
}

TYPED_TEST_P(CatalogContractTest, LiveReferencesOfABackend) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto refs = this->catalog_->live_references(ObjectKind::Snapshot, "node1@fake1");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].id, "s1");
  EXPECT_EQ(*(*refs)[0].provider_reference.find("source-name"), "lvol0");
  EXPECT_TRUE(this->catalog_->live_references(ObjectKind::Snapshot, "node1@other")->empty());
  EXPECT_EQ(this->catalog_->live_references(ObjectKind::Volume, "node1@fake1")->size(), 1u);
}

TYPED_TEST_P(CatalogContractTest, ThirtyTwoConcurrentInsertsOfOneReferenceYieldOneRow) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      auto r = this->catalog_->insert_snapshot(snapshot("s" + std::to_string(i), "v1", "lvol0"));
      if (r.ok())
        ++ok;
      else if (r.error().fault == Fault::Conflict)
        ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 31);
  EXPECT_EQ(this->catalog_->find_snapshots({})->size(), 1u);
}

TYPED_TEST_P(CatalogContractTest, ServicesAreUpsertedAndHeartbeated) {
  ASSERT_TRUE(this->catalog_->upsert_service(service_row("fake1", "c1", false)).ok());
  ASSERT_TRUE(this->catalog_->upsert_service(service_row("fake1", "c2", true)).ok());
  auto services = this->catalog_->services();
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].cluster, "c2");
  EXPECT_TRUE((*services)[0].disabled);
  auto before = (*services)[0].updated_at;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(*this->catalog_->heartbeat("node1", {"fake1"}), 1u);
  EXPECT_NE((*this->catalog_->services())[0].updated_at, before);
}

TYPED_TEST_P(CatalogContractTest, ServiceRowsKeepTheRegistryFields) {
  auto row = service_row("fake1", "", false);
  row.availability_zone = "zone-a";
  row.advertise_url = "http://10.0.0.1:8776";
  row.backend_up = false;
  ASSERT_TRUE(this->catalog_->upsert_service(row).ok());
  ASSERT_TRUE(this->catalog_->upsert_service(service_row("fake2", "c1", false)).ok());
  auto services = this->catalog_->services();
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[0].backend, "fake1");
  EXPECT_EQ((*services)[0].availability_zone, "zone-a");
  EXPECT_EQ((*services)[0].advertise_url, "http://10.0.0.1:8776");
  EXPECT_FALSE((*services)[0].backend_up);
  EXPECT_EQ((*services)[1].availability_zone, "nova");
  EXPECT_TRUE((*services)[1].backend_up);
  // An update writes the registry fields too.
  row.availability_zone = "zone-b";
  row.advertise_url = "http://10.0.0.2:8776";
  row.backend_up = true;
  ASSERT_TRUE(this->catalog_->upsert_service(row).ok());
  services = this->catalog_->services();
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[0].availability_zone, "zone-b");
  EXPECT_EQ((*services)[0].advertise_url, "http://10.0.0.2:8776");
  EXPECT_TRUE((*services)[0].backend_up);
}

TYPED_TEST_P(CatalogContractTest, HeartbeatTouchesOnlyTheNamedServices) {
  ASSERT_TRUE(this->catalog_->upsert_service(service_row("fake1", "", false)).ok());
  ASSERT_TRUE(this->catalog_->upsert_service(service_row("broken", "", false)).ok());
  auto before = *this->catalog_->services();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // "gone" has no row: the count tells the caller to register it again.
  ASSERT_EQ(*this->catalog_->heartbeat("node1", {"fake1", "gone"}), 1u);
  auto after = *this->catalog_->services();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].backend, "broken");
  EXPECT_EQ(after[0].updated_at, before[0].updated_at);
  EXPECT_NE(after[1].updated_at, before[1].updated_at);
  EXPECT_EQ(*this->catalog_->heartbeat("node2", {"fake1"}), 0u);
  EXPECT_EQ(*this->catalog_->heartbeat("node1", {}), 0u);
}

TYPED_TEST_P(CatalogContractTest, MergingMetadataAddsAndOverwritesKeysAndKeepsTheOthers) {
  auto v = volume("v1", "volume-a");
  v.metadata = {{"k", "v"}, {"keep", "me"}};
  ASSERT_TRUE(this->catalog_->insert_volume(v).ok());
  const auto before = this->catalog_->generation();
  auto after = this->catalog_->update_metadata(ObjectKind::Volume, "v1", {{"k", "new"}, {"x", "1"}}, false);
  ASSERT_TRUE(after.ok()) << after.error().message;
  ASSERT_TRUE(after->has_value());
  const Metadata expected{{"k", "new"}, {"keep", "me"}, {"x", "1"}};
  EXPECT_EQ(**after, expected);
  EXPECT_EQ(stored_volume_metadata(*this->catalog_, "v1"), expected);
  EXPECT_GT(this->catalog_->generation(), before);
  EXPECT_EQ(this->catalog_->generation() % 2, 0u) << "even again once the write is done";
  EXPECT_FALSE((*this->catalog_->find_volume("v1"))->updated_at.has_value());  // as Cinder: the row is not touched
}

TYPED_TEST_P(CatalogContractTest, ReplacingMetadataKeepsOnlyTheGivenKeys) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto replaced = this->catalog_->update_metadata(ObjectKind::Snapshot, "s1", {{"c", "3"}, {"a", "one"}}, true);
  ASSERT_TRUE(replaced.ok() && replaced->has_value());
  EXPECT_EQ(stored_snapshot_metadata(*this->catalog_, "s1"), (Metadata{{"a", "one"}, {"c", "3"}}));
  auto emptied = this->catalog_->update_metadata(ObjectKind::Snapshot, "s1", {}, true);
  ASSERT_TRUE(emptied.ok() && emptied->has_value());
  EXPECT_TRUE((*emptied)->empty());
  EXPECT_TRUE(stored_snapshot_metadata(*this->catalog_, "s1").empty());
  EXPECT_EQ(stored_volume_metadata(*this->catalog_, "v1"), (Metadata{{"k", "v"}}));  // the volume's own is untouched
}

TYPED_TEST_P(CatalogContractTest, MetadataOfAMissingOrSoftDeletedRowIsNotWritten) {
  auto missing = this->catalog_->update_metadata(ObjectKind::Volume, "nope", {{"a", "b"}}, false);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  RowUpdate gone;
  gone.soft_delete = true;
  ASSERT_TRUE(*this->catalog_->update_snapshot("s1", gone));
  const auto before = this->catalog_->generation();
  auto deleted_row = this->catalog_->update_metadata(ObjectKind::Snapshot, "s1", {{"a", "b"}}, true);
  ASSERT_TRUE(deleted_row.ok());
  EXPECT_FALSE(deleted_row->has_value());
  auto key = this->catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(*key);
  EXPECT_EQ(this->catalog_->generation(), before);
  EXPECT_EQ(this->impl_.scalar("SELECT value FROM snapshot_metadata WHERE snapshot_id = 's1' AND key = 'a'"), "1");
}

TYPED_TEST_P(CatalogContractTest, DeletingAMetadataKeyRemovesOnlyThatKeyOnce) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "v1", "lvol0")).ok());
  auto first = this->catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_EQ(stored_snapshot_metadata(*this->catalog_, "s1"), (Metadata{{"b", "two"}}));
  auto again = this->catalog_->delete_metadata_key(ObjectKind::Snapshot, "s1", "a");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_FALSE(
      *this->catalog_->delete_metadata_key(ObjectKind::Volume, "v1", "b"));  // a snapshot's key, not the volume's
  EXPECT_TRUE(*this->catalog_->delete_metadata_key(ObjectKind::Volume, "v1", "k"));
  EXPECT_TRUE(stored_volume_metadata(*this->catalog_, "v1").empty());
}

TYPED_TEST_P(CatalogContractTest, AVolumeKeepsItsPool) {
  auto v = volume("v1", "volume-a");
  v.pool = "gold";
  ASSERT_TRUE(this->catalog_->insert_volume(v).ok());
  EXPECT_EQ((*this->catalog_->find_volume("v1"))->pool, "gold");
  RowQuery all;
  EXPECT_EQ(this->catalog_->find_volumes(all)->at(0).pool, "gold");
}

TYPED_TEST_P(CatalogContractTest, MigrationTwoGivesEarlierVolumesTheirBackendsNameAsPool) {
  ASSERT_TRUE(this->catalog_->insert_volume(volume("v1", "volume-a")).ok());
  this->catalog_.reset();
  // back to schema version 1: no pool column, no service registry columns (migration 3)
  this->impl_.exec("ALTER TABLE volumes DROP COLUMN pool");
  drop_service_registry_columns(this->impl_);
  drop_job_columns(this->impl_);
  drop_reference_moves(this->impl_);
  this->impl_.set_schema_version(1);
  auto reopened = this->impl_.open();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*(*reopened)->find_volume("v1"))->pool, "fake1");
  EXPECT_EQ(this->impl_.schema_version(), latest_schema_version());
  EXPECT_EQ(latest_schema_version(), 6);
}

TYPED_TEST_P(CatalogContractTest, MigrationThreeGivesEarlierServicesTheDefaults) {
  this->catalog_.reset();
  // a version-2 catalog with one registered service
  drop_service_registry_columns(this->impl_);
  drop_job_columns(this->impl_);
  drop_reference_moves(this->impl_);
  this->impl_.exec(
      "INSERT INTO services (host, backend, cluster, disabled, created_at, updated_at) "
      "VALUES ('node1', 'fake1', 'c1', false, '2026-01-01T00:00:00.000000', '2026-01-01T00:00:00.000000')");
  this->impl_.set_schema_version(2);
  auto reopened = this->impl_.open();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(this->impl_.schema_version(), latest_schema_version());
  auto services = (*reopened)->services();
  ASSERT_TRUE(services.ok()) << services.error().message;
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].cluster, "c1");
  EXPECT_FALSE((*services)[0].disabled);
  EXPECT_EQ((*services)[0].availability_zone, "nova");
  EXPECT_EQ((*services)[0].advertise_url, "");
  EXPECT_TRUE((*services)[0].backend_up);
  EXPECT_EQ((*services)[0].updated_at, "2026-01-01T00:00:00.000000");
}

REGISTER_TYPED_TEST_SUITE_P(
    CatalogContractTest, ReopeningKeepsDataAndANewerSchemaIsRefused, VolumesAndSnapshotsRoundTripWithMetadata,
    QueriesFilterLiveRows, LiveReferenceIsUniquePerBackendUntilSoftDeleted,
    ConditionalUpdatesApplyOnlyFromExpectedStatus, MovingAReferenceOntoALiveOneIsAConflict,
    AnInsertInspectedBeforeAMoveOffItsReferenceIsAConflict, AnInsertRacingAMoveOffItsReferenceNeverGetsIn,
    ClusterMembersShareOneReferenceScope, MigrationSixGivesEarlierRowsTheirReferenceScope,
    ASnapshotNeedsItsVolumeAvailableOrInUseAtInsertTime, AVolumeWithALiveSnapshotIsNotUpdatedWhenThatIsRequired,
    GenerationChangesOnWrites, GenerationIsEvenBetweenWritesAndOddDuringThem, LiveReferencesOfABackend,
    ThirtyTwoConcurrentInsertsOfOneReferenceYieldOneRow, ServicesAreUpsertedAndHeartbeated,
    MergingMetadataAddsAndOverwritesKeysAndKeepsTheOthers, ReplacingMetadataKeepsOnlyTheGivenKeys,
    MetadataOfAMissingOrSoftDeletedRowIsNotWritten, DeletingAMetadataKeyRemovesOnlyThatKeyOnce, AVolumeKeepsItsPool,
    MigrationTwoGivesEarlierVolumesTheirBackendsNameAsPool, ServiceRowsKeepTheRegistryFields,
    HeartbeatTouchesOnlyTheNamedServices, MigrationThreeGivesEarlierServicesTheDefaults);

}  // namespace snapmgr::core
