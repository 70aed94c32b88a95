// Listing on real lvm2: the driver reports exactly the fixture's snapshots and volumes, with
// the sizes, origins, kinds and ids lvm2 itself reports, and skips what is not adoptable.
#include <unistd.h>

#include <set>

#include "lvm_fixture.hpp"

namespace snapmgr::testing {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
const std::string kCinderVolume = "volume-0b7e8a7c-4a43-4e7e-9f5a-3d7d7d2f0c11";
const std::string kCinderSnapshot = "_snapshot-1f0c55aa-54c1-4f1e-8d0f-6a3b2c1d0e9f";

struct Expected {
  std::uint64_t size_bytes;
  std::string origin;  // snapshots only
  std::string type;
};

using LvmListing = LvmTest;

TEST_F(LvmListing, ListsEverySnapshotWithLvmsOwnFacts) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();

  const std::map<std::string, Expected> expected = {
      {"snap-a1", {8 * kMiB, "vol-a", "thick"}},  // a classic snapshot's size is its COW store's
      {"snap-a2", {12 * kMiB, "vol-a", "thick"}},
      {"snap-b1", {4 * kMiB, "vol-b", "thick"}},
      {kCinderSnapshot, {4 * kMiB, kCinderVolume, "thick"}},
      {"thin-snap", {100 * kMiB, "thin-vol", "thin"}},  // Cinder never lists this one
  };
  const auto lvm = fixture().lvs();
  std::set<std::string> seen;
  for (const auto& s : *snaps) {
    const std::string name = *s.reference.find("source-name");
    ASSERT_TRUE(expected.count(name)) << "unexpected snapshot " << name;
    EXPECT_TRUE(seen.insert(name).second) << name << " listed twice";
    const Expected& e = expected.at(name);
    EXPECT_EQ(s.reference, source_name(name));
    EXPECT_EQ(s.size_bytes, e.size_bytes) << name;
    EXPECT_EQ(s.size_bytes, lvm.at(name).size_bytes) << name;
    EXPECT_EQ(s.source_reference, source_name(e.origin)) << name;
    EXPECT_FALSE(s.in_use) << name;  // no device-mapper: nothing is ever open here
    EXPECT_FALSE(s.reason) << name;
    EXPECT_EQ(s.extra_info.find("type") ? *s.extra_info.find("type") : "", e.type) << name;
    EXPECT_EQ(s.extra_info.find("lv_uuid") ? *s.extra_info.find("lv_uuid") : "", lvm.at(name).uuid) << name;
  }
  EXPECT_EQ(seen.size(), expected.size());
}

TEST_F(LvmListing, ListsVolumesAndSkipsPoolsAndInternalLvs) {
  // The VG really holds a thin pool, its hidden data/metadata LVs and the snapshots' internal
  // "snapshotN" LVs — none of which may be listed.
  const auto lvm = fixture().lvs();
  for (const char* present : {"tpool", "[tpool_tdata]", "[tpool_tmeta]"}) {
    EXPECT_TRUE(lvm.count(present)) << present << " missing from the fixture";
  }
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  const std::map<std::string, Expected> expected = {
      {"vol-a", {64 * kMiB, "", "thick"}},
      {"vol-b", {32 * kMiB, "", "thick"}},
      {kCinderVolume, {16 * kMiB, "", "thick"}},
      {"thin-vol", {100 * kMiB, "", "thin"}},
  };
  std::map<std::string, const ManageableVolume*> listed;
  for (const auto& v : *vols) listed[*v.reference.find("source-name")] = &v;
  ASSERT_EQ(listed.size(), expected.size());
  for (const auto& [name, e] : expected) {
    ASSERT_TRUE(listed.count(name)) << name << " not listed";
    const ManageableVolume& v = *listed.at(name);
    EXPECT_EQ(v.size_bytes, e.size_bytes) << name;
    EXPECT_FALSE(v.in_use) << name;
    EXPECT_EQ(*v.extra_info.find("type"), e.type) << name;
    EXPECT_EQ(*v.extra_info.find("lv_uuid"), lvm.at(name).uuid) << name;
  }
  EXPECT_EQ(*listed.at("thin-vol")->extra_info.find("pool"), "tpool");
  EXPECT_EQ(*listed.at("vol-a")->extra_info.find("tags"), "owner=tests");
  EXPECT_FALSE(listed.at("vol-b")->extra_info.contains("tags"));
}

TEST_F(LvmListing, ReflectsTheVolumeGroupAsItIsNow) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  ASSERT_EQ(fixture().lvm({"lvcreate", "-an", "-Zn", "-L", "8m", "-n", "fresh", fixture().vg()}).exit_code, 0);
  ASSERT_EQ(fixture().lvm({"lvremove", "-y", fixture().vg() + "/snap-a2"}).exit_code, 0);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok());
  bool fresh = false;
  for (const auto& v : *vols) fresh = fresh || (v.reference == source_name("fresh") && v.size_bytes == 8 * kMiB);
  EXPECT_TRUE(fresh);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok());
  EXPECT_EQ(snaps->size(), 4u);
  for (const auto& s : *snaps) EXPECT_NE(s.reference, source_name("snap-a2"));
}

TEST_F(LvmListing, EveryListedReferenceRoundTripsThroughInspect) {
  auto d = fixture().load_driver();
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok());
  for (const auto& s : *snaps) {
    auto again = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), s.reference, s.source_reference);
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(again->reference, s.reference);
    EXPECT_EQ(again->size_bytes, s.size_bytes);
    EXPECT_EQ(again->source_reference, s.source_reference);
    EXPECT_EQ(again->extra_info, s.extra_info);
  }
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok());
  for (const auto& v : *vols) {
    auto again = (*d)->volume_adoption()->inspect_volume(test_call(), v.reference);
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(again->size_bytes, v.size_bytes);
    EXPECT_EQ(again->extra_info, v.extra_info);
  }
}

TEST_F(LvmListing, AMissingVolumeGroupIsABackendErrorNamingIt) {
  const std::string missing = "snapmgr_missing_" + std::to_string(::getpid());
  auto d = fixture().load_driver({{"volume_group", missing}});
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_FALSE(snaps.ok());
  EXPECT_EQ(snaps.error().code(), ErrorCode::BackendError);
  EXPECT_NE(snaps.error().message().find("`lvm lvs " + missing + "` on volume group '" + missing + "' failed"),
            std::string::npos)
      << snaps.error().message();
  EXPECT_NE(snaps.error().message().find("Volume group \"" + missing + "\" not found"), std::string::npos)
      << snaps.error().message();
  auto inspected = (*d)->volume_adoption()->inspect_volume(test_call(), source_name("vol-a"));
  ASSERT_FALSE(inspected.ok());
  EXPECT_EQ(inspected.error().code(), ErrorCode::BackendError) << inspected.error().message();
}

}  // namespace
}  // namespace snapmgr::testing
