// Inspecting and adopting LUNs of a real tgtd: references, the volume <-> origin relation, and
// a backend that changes between listing and adoption.
#include <algorithm>
#include <cctype>

#include <gtest/gtest.h>

#include "driver_access.hpp"
#include "iscsi_fixture.hpp"

namespace snapmgr::testing::iscsi {
namespace {

const std::string kSnapshotId = "0b6f6c4e-2d4b-4a7e-9d8e-1f0a2b3c4d5e";
const std::string kVolumeId = "5a4e3c2b-1d0f-4e9a-8b7c-6d5e4f3a2b1c";

class IscsiAdoption : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = load_iscsi(IscsiFixture::get().options());
    ASSERT_TRUE(driver_);
  }
  SnapshotAdoption& snapshots() { return *(*driver_)->snapshot_adoption(); }
  VolumeAdoption& volumes() { return *(*driver_)->volume_adoption(); }
  // The canonical reference listings give a LUN.
  StringMap listed_volume(const std::string& target, int lun) {
    auto vols = list_volumes(*(*driver_)->volume_discovery(), test_call());
    EXPECT_TRUE(vols.ok());
    const auto* v = vols.ok() ? find_named(*vols, lun_name(target, lun)) : nullptr;
    EXPECT_NE(v, nullptr) << lun_name(target, lun);
    return v ? v->reference : StringMap{};
  }
  StringMap listed_snapshot(const std::string& target) {
    auto snaps = list_snapshots(*(*driver_)->snapshot_discovery(), test_call());
    EXPECT_TRUE(snaps.ok());
    const auto* s = snaps.ok() ? find_named(*snaps, lun_name(target, 1)) : nullptr;
    EXPECT_NE(s, nullptr) << target;
    return s ? s->reference : StringMap{};
  }
  std::unique_ptr<TestDriver> driver_;
};

void expect_invalid(const Error& e, const std::string& fragment) {
  EXPECT_EQ(e.code(), ErrorCode::InvalidReference) << e.message();
  EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
}

TEST_F(IscsiAdoption, EveryListedSnapshotRoundTripsThroughInspectAndAdopt) {
  auto snaps = list_snapshots(*(*driver_)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  ASSERT_EQ(snaps->size(), 4u);
  for (const auto& listed : *snaps) {
    SCOPED_TRACE(*listed.reference.find("source-name"));
    auto inspected = snapshots().inspect_snapshot(test_call(), listed.reference, listed.source_reference);
    ASSERT_TRUE(inspected.ok()) << inspected.error().message();
    EXPECT_EQ(inspected->reference, listed.reference);
    EXPECT_EQ(inspected->size_bytes, listed.size_bytes);
    EXPECT_EQ(inspected->source_reference, listed.source_reference);
    EXPECT_EQ(inspected->in_use, listed.in_use);
    auto adopted = snapshots().adopt_snapshot(test_call(), listed.reference, listed.source_reference, kSnapshotId);
    ASSERT_TRUE(adopted.ok()) << adopted.error().message();
    EXPECT_EQ(*adopted, listed.reference) << "the provider reference must be what listings report";
  }
}

TEST_F(IscsiAdoption, ASecondAdoptionIsAlreadyManagedUntilTheSnapshotIsReleased) {
  const StringMap listed = listed_snapshot("snap-vol-b-1");
  const StringMap volume = source_name("vol-b");
  const std::string other_id = "9d1c7c55-0000-4000-8000-000000000002";
  auto first = snapshots().adopt_snapshot(test_call(), listed, volume, kSnapshotId);
  ASSERT_TRUE(first.ok()) << first.error().message();
  auto again = snapshots().adopt_snapshot(test_call(), listed, volume, other_id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::AlreadyManaged) << again.error().message();
  EXPECT_NE(again.error().message().find("already adopted as snapshot " + kSnapshotId), std::string::npos)
      << again.error().message();
  // By designator alone it is the same LUN, hence the same answer.
  auto by_id =
      snapshots().adopt_snapshot(test_call(), StringMap{{"source-id", *listed.find("source-id")}}, volume, other_id);
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.error().code(), ErrorCode::AlreadyManaged) << by_id.error().message();
  // The same adoption retried (the host's recovery after a crash) succeeds.
  EXPECT_TRUE(snapshots().adopt_snapshot(test_call(), listed, volume, kSnapshotId).ok());

  ASSERT_TRUE((*driver_)->snapshot_release()->release_snapshot(test_call(), *first, kSnapshotId).ok());
  auto readopted = snapshots().adopt_snapshot(test_call(), listed, volume, other_id);
  ASSERT_TRUE(readopted.ok()) << readopted.error().message();
  EXPECT_EQ(*readopted, listed);
  // Releasing something never adopted is not an error (the host may retry an unmanage).
  EXPECT_TRUE((*driver_)->snapshot_release()->release_snapshot(test_call(), listed, "never-adopted").ok());

  const StringMap vol_b = listed_volume("vol-b", 1);
  ASSERT_TRUE(volumes().adopt_volume(test_call(), vol_b, kVolumeId).ok());
  auto volume_again = volumes().adopt_volume(test_call(), source_name("vol-b"), "5a4e3c2b-0000-4000-8000-000000000003");
  ASSERT_FALSE(volume_again.ok());
  EXPECT_EQ(volume_again.error().code(), ErrorCode::AlreadyManaged) << volume_again.error().message();
}

TEST_F(IscsiAdoption, TheLedgerOutlivesTheDriverInstance) {
  std::string state_dir;
  auto first = load_iscsi(IscsiFixture::get().options(), &state_dir);
  ASSERT_TRUE(first);
  const StringMap listed = listed_snapshot("snap-vol-a-1");
  ASSERT_TRUE(
      (*first)->snapshot_adoption()->adopt_snapshot(test_call(), listed, source_name("vol-a"), kSnapshotId).ok());
  first.reset();
  auto restarted = load_test_driver(kIscsiPlugin, IscsiFixture::get().options(), state_dir);
  ASSERT_TRUE(restarted.driver) << restarted.error;
  auto again =
      (*restarted.driver)->snapshot_adoption()->adopt_snapshot(test_call(), listed, source_name("vol-a"), "other-id");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::AlreadyManaged) << again.error().message();
}

TEST_F(IscsiAdoption, BySourceNameAloneAndBySourceIdAlone) {
  const StringMap canonical = listed_snapshot("snap-vol-a-1");
  ASSERT_TRUE(canonical.contains("source-id"));
  const StringMap by_name{{"source-name", *canonical.find("source-name")}};
  const StringMap by_id{{"source-id", *canonical.find("source-id")}};
  for (const StringMap& ref : {by_name, by_id}) {
    auto inspected = snapshots().inspect_snapshot(test_call(), ref, source_name("vol-a"));
    ASSERT_TRUE(inspected.ok()) << inspected.error().message();
    EXPECT_EQ(inspected->reference, canonical);
    auto adopted = snapshots().adopt_snapshot(test_call(), ref, source_name("vol-a"), kSnapshotId);
    ASSERT_TRUE(adopted.ok()) << adopted.error().message();
    EXPECT_EQ(*adopted, canonical);
  }
  // Upper-case designators and IQNs name the same LUN (both are case-insensitive).
  StringMap shouted{{"source-id", *canonical.find("source-id")}};
  std::string id = *canonical.find("source-id");
  std::transform(id.begin(), id.end(), id.begin(), ::toupper);
  shouted.set("source-id", id);
  auto inspected = snapshots().inspect_snapshot(test_call(), shouted, source_name("vol-a"));
  ASSERT_TRUE(inspected.ok()) << inspected.error().message();
  EXPECT_EQ(inspected->reference, canonical);
}

TEST_F(IscsiAdoption, TheOriginCheckAcceptsEveryFormOfTheVolumeReference) {
  const StringMap snapshot = listed_snapshot("snap-vol-a-1");
  const StringMap vol_a = listed_volume("vol-a", 1);
  auto adopted_volume = volumes().adopt_volume(test_call(), vol_a, kVolumeId);
  ASSERT_TRUE(adopted_volume.ok()) << adopted_volume.error().message();
  EXPECT_EQ(*adopted_volume, vol_a);
  const std::vector<StringMap> forms = {
      source_name("vol-a"),                                // the snapshot's source_reference
      *adopted_volume,                                     // what adopt_volume returned
      StringMap{{"source-name", lun_name("vol-a", 1)}},    // the address alone
      StringMap{{"source-id", *vol_a.find("source-id")}},  // the designator alone
  };
  for (const auto& volume_ref : forms) {
    SCOPED_TRACE(describe_for_test(volume_ref));
    auto inspected = snapshots().inspect_snapshot(test_call(), snapshot, volume_ref);
    EXPECT_TRUE(inspected.ok()) << inspected.error().message();
  }
  const StringMap vol_b = listed_volume("vol-b", 1);
  for (const auto& other : {source_name("vol-b"), vol_b, StringMap{{"source-id", *vol_b.find("source-id")}}}) {
    SCOPED_TRACE(describe_for_test(other));
    auto wrong = snapshots().adopt_snapshot(test_call(), snapshot, other, kSnapshotId);
    ASSERT_FALSE(wrong.ok());
    expect_invalid(wrong.error(), "is a snapshot of volume 'vol-a', not of volume 'vol-b'");
  }
}

TEST_F(IscsiAdoption, VolumesByNameAddressOrDesignator) {
  const StringMap canonical = listed_volume("vol-a", 1);
  for (const StringMap& ref : {source_name("vol-a"), StringMap{{"source-name", lun_name("vol-a", 1)}},
                               StringMap{{"source-id", *canonical.find("source-id")}}}) {
    auto inspected = volumes().inspect_volume(test_call(), ref);
    ASSERT_TRUE(inspected.ok()) << inspected.error().message();
    EXPECT_EQ(inspected->reference, canonical);
    EXPECT_EQ(inspected->size_bytes, 64u * 1024 * 1024);
  }
  auto multi = volumes().inspect_volume(test_call(), source_name("vol-multi"));
  ASSERT_FALSE(multi.ok());
  expect_invalid(multi.error(), "has 2 disk LUNs");
  auto second = volumes().adopt_volume(test_call(), source_name(lun_name("vol-multi", 2)), kVolumeId);
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(*second, listed_volume("vol-multi", 2));
  expect_invalid(volumes().inspect_volume(test_call(), source_name("vol-nonexistent")).error(),
                 "no volume target behind portal " + IscsiFixture::get().portal() + " is named 'vol-nonexistent'");
}

TEST_F(IscsiAdoption, WrongKindsAreRejected) {
  const StringMap vol_a = listed_volume("vol-a", 1);
  auto volume_as_snapshot = snapshots().inspect_snapshot(test_call(), vol_a, source_name("vol-a"));
  ASSERT_FALSE(volume_as_snapshot.ok());
  expect_invalid(volume_as_snapshot.error(), "is a volume target");
  auto id_as_snapshot = snapshots().inspect_snapshot(test_call(), StringMap{{"source-id", *vol_a.find("source-id")}},
                                                     source_name("vol-a"));
  ASSERT_FALSE(id_as_snapshot.ok());
  expect_invalid(id_as_snapshot.error(), "belongs to LUN " + lun_name("vol-a", 1));
  auto snapshot_as_volume = volumes().adopt_volume(test_call(), source_name(lun_name("snap-vol-a-1", 1)), kVolumeId);
  ASSERT_FALSE(snapshot_as_volume.ok());
  expect_invalid(snapshot_as_volume.error(), "is a snapshot target");
  auto unrelated = volumes().inspect_volume(test_call(), source_name(lun_name("unrelated-x", 1)));
  ASSERT_FALSE(unrelated.ok());
  expect_invalid(unrelated.error(), "matches neither snapshot_target_pattern");
}

TEST_F(IscsiAdoption, LunsThatAreNotThereOrNotDisks) {
  auto controller =
      snapshots().inspect_snapshot(test_call(), source_name(lun_name("snap-vol-a-1", 0)), source_name("vol-a"));
  ASSERT_FALSE(controller.ok());
  expect_invalid(controller.error(), "LUN 0 of target " + iqn("snap-vol-a-1") + " is not a disk");
  auto missing =
      snapshots().inspect_snapshot(test_call(), source_name(lun_name("snap-vol-a-1", 5)), source_name("vol-a"));
  ASSERT_FALSE(missing.ok());
  expect_invalid(missing.error(), "has no LUN 5 (REPORT LUNS: 0, 1)");
  auto unknown_id = snapshots().inspect_snapshot(
      test_call(), StringMap{{"source-id", "naa.6000000000000000ffffffffffffffff"}}, source_name("vol-a"));
  ASSERT_FALSE(unknown_id.ok());
  expect_invalid(unknown_id.error(), "reports designator naa.6000000000000000ffffffffffffffff");
  auto target_level = snapshots().inspect_snapshot(test_call(), source_name(iqn("snap-vol-a-1")), source_name("vol-a"));
  ASSERT_FALSE(target_level.ok());
  expect_invalid(target_level.error(), "is not \"<target iqn>/<lun>\"");
}

TEST_F(IscsiAdoption, ANameAndADesignatorThatDisagreeAreRejected) {
  const StringMap a1 = listed_snapshot("snap-vol-a-1");
  const StringMap a2 = listed_snapshot("snap-vol-a-2");
  StringMap mixed{{"source-name", *a1.find("source-name")}, {"source-id", *a2.find("source-id")}};
  auto adopted = snapshots().adopt_snapshot(test_call(), mixed, source_name("vol-a"), kSnapshotId);
  ASSERT_FALSE(adopted.ok());
  expect_invalid(adopted.error(),
                 "now reports designator '" + *a1.find("source-id") + "', not '" + *a2.find("source-id"));
}

TEST_F(IscsiAdoption, TargetOrLunGoneBetweenListingAndAdoption) {
  auto& fx = IscsiFixture::get();
  ResetOnExit reset_at_the_end_anyway;
  const StringMap b1 = listed_snapshot("snap-vol-b-1");
  const StringMap a1 = listed_snapshot("snap-vol-a-1");
  ASSERT_TRUE(snapshots().inspect_snapshot(test_call(), b1, source_name("vol-b")).ok());

  fx.tgtadm({"--op", "delete", "--mode", "target", "--tid", "5", "--force"});  // snap-vol-b-1
  auto target_gone = snapshots().adopt_snapshot(test_call(), b1, source_name("vol-b"), kSnapshotId);
  ASSERT_FALSE(target_gone.ok());
  expect_invalid(target_gone.error(), "target " + iqn("snap-vol-b-1") + " is not offered by portal");

  fx.tgtadm({"--op", "delete", "--mode", "logicalunit", "--tid", "3", "--lun", "1"});  // snap-vol-a-1's disk
  auto lun_gone = snapshots().adopt_snapshot(test_call(), a1, source_name("vol-a"), kSnapshotId);
  ASSERT_FALSE(lun_gone.ok());
  expect_invalid(lun_gone.error(), "has no LUN 1 (REPORT LUNS: 0)");
  auto listing = list_snapshots(*(*driver_)->snapshot_discovery(), test_call());
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), 2u);

  fx.reset();  // and the hook's reset brings both back, as they were
  auto restored = list_snapshots(*(*driver_)->snapshot_discovery(), test_call());
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  ASSERT_EQ(restored->size(), 4u);
  EXPECT_EQ(find_named(*restored, lun_name("snap-vol-b-1", 1))->reference, b1);
  EXPECT_EQ(find_named(*restored, lun_name("snap-vol-a-1", 1))->reference, a1);
  EXPECT_TRUE(find_named(*restored, lun_name("snap-vol-a-2", 1))->in_use);  // the registration is back too
}

TEST_F(IscsiAdoption, MalformedReferencesFailBeforeTheBackendIsAsked) {
  // Even with a portal nothing listens on, a malformed reference is InvalidReference, at once.
  auto d = load_iscsi("{portals: [\"127.0.0.1:1\"]}");
  ASSERT_TRUE(d);
  auto bad = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("iqn.2026-11.x:a;reboot/1"),
                                                         source_name("vol-a"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::InvalidReference) << bad.error().message();
  auto bad_volume = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name(lun_name("snap-vol-a-1", 1)),
                                                                StringMap{{"volume", "vol-a"}});
  ASSERT_FALSE(bad_volume.ok());
  EXPECT_EQ(bad_volume.error().code(), ErrorCode::InvalidReference) << bad_volume.error().message();
}

}  // namespace
}  // namespace snapmgr::testing::iscsi
