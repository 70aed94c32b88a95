// Adoption on real lvm2: inspect checks what lvm2 says about the LV; adopt really renames it
// (checked with lvs), the way Cinder names adopted objects; wrong kinds, wrong origins and
// missing LVs are refused with precise messages; and the name rules agree with lvm2's own.
#include "lv_name.hpp"
#include "lvm_fixture.hpp"

namespace snapmgr::testing {
namespace {

const std::string kSnapshotId = "5b0d4c1e-8f7a-4e3b-9c2d-1a0b9c8d7e6f";
const std::string kVolumeId = "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f";

using LvmAdoption = LvmTest;

template <class T>
void expect_invalid_reference(const Result<T>& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidReference) << r.error().message();
  EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
}

TEST_F(LvmAdoption, AdoptingASnapshotRenamesTheLvForReal) {
  const auto before = fixture().lvs();
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto inspected =
      (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"));
  ASSERT_TRUE(inspected.ok()) << inspected.error().message();
  EXPECT_EQ(inspected->size_bytes, 8u * 1024 * 1024);

  auto adopted =
      (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kSnapshotId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  const std::string new_name = "_snapshot-" + kSnapshotId;  // Cinder's escaped snapshot-<id>
  EXPECT_EQ(*adopted, source_name(new_name));

  const auto after = fixture().lvs();
  EXPECT_FALSE(after.count("snap-a1"));
  ASSERT_TRUE(after.count(new_name));
  EXPECT_EQ(after.at(new_name).uuid, before.at("snap-a1").uuid);  // the same LV, renamed
  EXPECT_EQ(after.at(new_name).origin, "vol-a");
  EXPECT_EQ(after.at(new_name).attr[0], 's');

  // The provider reference is what listings report from now on, and it inspects.
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok());
  int found = 0;
  for (const auto& s : *snaps) found += s.reference == *adopted;
  EXPECT_EQ(found, 1);
  EXPECT_TRUE((*d)->snapshot_adoption()->inspect_snapshot(test_call(), *adopted, source_name("vol-a")).ok());
  // The old name is gone.
  expect_invalid_reference(
      (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a")),
      "snapshot LV 'snap-a1' does not exist in volume group '" + fixture().vg() + "'");
}

TEST_F(LvmAdoption, RepeatingAnAdoptionAfterTheRenameSucceeds) {
  // The host crashed after lvrename but before recording it; at start-up it repeats the call.
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto* adoption = (*d)->snapshot_adoption();
  ASSERT_TRUE(adoption->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kSnapshotId).ok());
  auto again = adoption->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kSnapshotId);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, source_name("_snapshot-" + kSnapshotId));
  // Another id does not get the object, and a wrong origin is still refused.
  expect_invalid_reference(
      adoption->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kVolumeId), "does not exist");
  expect_invalid_reference(
      adoption->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-b"), kSnapshotId),
      "does not exist");
  auto volume = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("vol-b"), kVolumeId);
  ASSERT_TRUE(volume.ok()) << volume.error().message();
  auto volume_again = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("vol-b"), kVolumeId);
  ASSERT_TRUE(volume_again.ok()) << volume_again.error().message();
  EXPECT_EQ(*volume_again, source_name("volume-" + kVolumeId));
}

TEST_F(LvmAdoption, AdoptingAThinSnapshotRenamesItToo) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto adopted = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("thin-snap"),
                                                           source_name("thin-vol"), kSnapshotId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  const auto after = fixture().lvs();
  ASSERT_TRUE(after.count("_snapshot-" + kSnapshotId));
  EXPECT_EQ(after.at("_snapshot-" + kSnapshotId).origin, "thin-vol");
  EXPECT_EQ(after.at("_snapshot-" + kSnapshotId).attr[0], 'V');
  EXPECT_FALSE(after.count("thin-snap"));
}

TEST_F(LvmAdoption, AdoptedVolumesAreRenamedAndTheirSnapshotsFollow) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto volume = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("vol-a"), kVolumeId);
  ASSERT_TRUE(volume.ok()) << volume.error().message();
  const std::string volume_name = "volume-" + kVolumeId;
  EXPECT_EQ(*volume, source_name(volume_name));
  auto lvs = fixture().lvs();
  EXPECT_FALSE(lvs.count("vol-a"));
  ASSERT_TRUE(lvs.count(volume_name));
  EXPECT_EQ(lvs.at("snap-a2").origin, volume_name);  // lvm2 follows the rename

  // Cinder's flow: the snapshot is adopted against the volume's provider reference.
  expect_invalid_reference(
      (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-a2"), source_name("vol-a")),
      "is a snapshot of '" + volume_name + "', not of volume 'vol-a'");
  auto snap = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a2"), *volume, kSnapshotId);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  lvs = fixture().lvs();
  ASSERT_TRUE(lvs.count("_snapshot-" + kSnapshotId));
  EXPECT_EQ(lvs.at("_snapshot-" + kSnapshotId).origin, volume_name);
}

TEST_F(LvmAdoption, CinderNamedObjectsAreAcceptedAsTheyAre) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  const std::string id = "1f0c55aa-54c1-4f1e-8d0f-6a3b2c1d0e9f";
  auto r = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("_snapshot-" + id),
                                                     source_name("volume-0b7e8a7c-4a43-4e7e-9f5a-3d7d7d2f0c11"),
                                                     kSnapshotId);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(fixture().lvs().count("_snapshot-" + kSnapshotId));
}

TEST_F(LvmAdoption, WrongObjectsAreRefusedWithPreciseMessagesAndNothingIsRenamed) {
  const auto before = fixture().lvs();
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto* snaps = (*d)->snapshot_adoption();
  auto* vols = (*d)->volume_adoption();
  const std::string in_vg = "in volume group '" + fixture().vg() + "'";
  expect_invalid_reference(snaps->adopt_snapshot(test_call(), source_name("vol-b"), source_name("vol-b"), kSnapshotId),
                           "LV 'vol-b' " + in_vg + " is a volume (lv_attr owi-XXs---), not a snapshot");
  expect_invalid_reference(
      snaps->adopt_snapshot(test_call(), source_name("snap-b1"), source_name("vol-a"), kSnapshotId),
      "LV 'snap-b1' " + in_vg + " is a snapshot of 'vol-b', not of volume 'vol-a'");
  expect_invalid_reference(snaps->inspect_snapshot(test_call(), source_name("no-such-lv"), source_name("vol-a")),
                           "snapshot LV 'no-such-lv' does not exist " + in_vg);
  expect_invalid_reference(snaps->inspect_snapshot(test_call(), source_name("tpool"), source_name("vol-a")),
                           "is a thin pool (lv_attr twi-XXtz--), not a snapshot");
  expect_invalid_reference(
      vols->adopt_volume(test_call(), source_name("snap-a1"), kVolumeId),
      "LV 'snap-a1' " + in_vg + " is a classic snapshot of 'vol-a' (lv_attr swi-XXs---), not a volume");
  expect_invalid_reference(vols->adopt_volume(test_call(), source_name("thin-snap"), kVolumeId),
                           "is a thin snapshot of 'thin-vol'");
  expect_invalid_reference(vols->adopt_volume(test_call(), source_name("tpool"), kVolumeId), "is a thin pool");
  expect_invalid_reference(vols->inspect_volume(test_call(), source_name("gone")), "volume LV 'gone' does not exist");
  // LVM's internal LVs exist but are refused by name before lvm2 is asked.
  expect_invalid_reference(vols->adopt_volume(test_call(), source_name("tpool_tdata"), kVolumeId),
                           "contains \"_tdata\", which LVM reserves");
  expect_invalid_reference(
      snaps->adopt_snapshot(test_call(), source_name("snapshot0"), source_name("vol-a"), kSnapshotId),
      "starts with \"snapshot\", which LVM reserves");
  const auto after = fixture().lvs();
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, lv] : before) EXPECT_TRUE(after.count(name)) << name << " was renamed";
}

// lvm2 itself accepts exactly what the driver's name check accepts, at the edges.
TEST_F(LvmAdoption, TheNameRulesAreLvmsOwn) {
  const std::string vg = fixture().vg();
  const std::size_t longest = lvm::kMaxFullNameLength - vg.size() - 1;
  const std::string fits(longest, 'n'), too_long(longest + 1, 'n');
  EXPECT_TRUE(lvm::lv_name_problem(fits, vg).empty());
  EXPECT_FALSE(lvm::lv_name_problem(too_long, vg).empty());
  EXPECT_NE(fixture().lvm({"lvrename", vg, "vol-b", too_long}).exit_code, 0) << "lvm2 accepted " << too_long.size();
  ASSERT_EQ(fixture().lvm({"lvrename", vg, "vol-b", fits}).exit_code, 0) << "lvm2 refused " << fits.size();
  for (auto part : lvm::kReservedNameParts) {
    const std::string name = "x" + std::string(part);
    EXPECT_FALSE(lvm::lv_name_problem(name, vg).empty()) << name;
    EXPECT_NE(fixture().lvm({"lvrename", vg, "vol-a", name}).exit_code, 0) << "lvm2 accepted " << name;
  }
  for (auto prefix : lvm::kReservedNamePrefixes) {
    const std::string name = std::string(prefix) + "x";
    EXPECT_NE(fixture().lvm({"lvrename", vg, "vol-a", name}).exit_code, 0) << "lvm2 accepted " << name;
  }
  for (const std::string name : {"-x", "a;b", ".."}) {
    EXPECT_NE(fixture().lvm({"lvrename", vg, "vol-a", name}).exit_code, 0) << "lvm2 accepted " << name;
  }
  const std::string odd = "a+b.c_d-e";
  EXPECT_TRUE(lvm::lv_name_problem(odd, vg).empty());
  ASSERT_EQ(fixture().lvm({"lvrename", vg, "vol-a", odd}).exit_code, 0);

  // The driver handles both: the longest legal name, and every legal character.
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto longest_volume = (*d)->volume_adoption()->inspect_volume(test_call(), source_name(fits));
  EXPECT_TRUE(longest_volume.ok()) << longest_volume.error().message();
  auto adopted = (*d)->volume_adoption()->adopt_volume(test_call(), source_name(odd), kVolumeId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  EXPECT_TRUE(fixture().lvs().count("volume-" + kVolumeId));
}

}  // namespace
}  // namespace snapmgr::testing
