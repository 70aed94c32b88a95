// Listing snapshot and volume LUNs of a real tgtd (inventory: tests/fixtures/iscsi/hook).
#include <set>

#include <gtest/gtest.h>

#include "driver_access.hpp"
#include "iscsi_fixture.hpp"
#include "test_portals.hpp"

namespace snapmgr::testing::iscsi {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(IscsiListing, SnapshotLunsWithSizesDesignatorsOriginsAndFacts) {
  auto d = load_iscsi(IscsiFixture::get().options());
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(names_of(*snaps),
            (std::vector<std::string>{lun_name("snap-vol-a-1", 1), lun_name("snap-vol-a-2", 1),
                                      lun_name("snap-vol-b-1", 1), lun_name("snap-vol-secure-1", 1)}));
  struct Expected {
    std::string target;
    std::uint64_t size;
    std::string origin;
    bool in_use;
    std::string serial;
  };
  const std::vector<Expected> expected = {{"snap-vol-a-1", 64 * kMiB, "vol-a", false, "beaf31"},
                                          {"snap-vol-a-2", 40 * kMiB, "vol-a", true, "beaf41"},
                                          {"snap-vol-b-1", 24 * kMiB, "vol-b", false, "beaf51"},
                                          {"snap-vol-secure-1", 12 * kMiB, "vol-secure", false, "beaf71"}};
  std::set<std::string> designators;
  for (const auto& e : expected) {
    SCOPED_TRACE(e.target);
    const auto* s = find_named(*snaps, lun_name(e.target, 1));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->size_bytes, e.size);
    EXPECT_EQ(s->source_reference, source_name(e.origin));
    EXPECT_EQ(s->in_use, e.in_use);  // snap-vol-a-2 carries the hook's reservation registration
    EXPECT_FALSE(s->reason) << *s->reason;
    const std::string* id = s->reference.find("source-id");
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->rfind("naa.", 0), 0u) << *id;
    designators.insert(*id);
    EXPECT_EQ(info(s->extra_info, "naa"), *id);
    EXPECT_EQ(info(s->extra_info, "portal"), IscsiFixture::get().portal());
    EXPECT_EQ(info(s->extra_info, "serial"), e.serial);  // trimmed: the wire has it right-aligned in spaces
    EXPECT_EQ(info(s->extra_info, "vendor"), "IET");
    EXPECT_EQ(info(s->extra_info, "product"), "VIRTUAL-DISK");
  }
  EXPECT_EQ(designators.size(), expected.size()) << "designators must tell LUNs apart";
}

TEST(IscsiListing, VolumeLunsSkipControllersAndUnmatchedTargets) {
  auto d = load_iscsi(IscsiFixture::get().options());
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  // No LUN 0 (tgt's controller), no snapshot target, nothing from unrelated-x.
  EXPECT_EQ(names_of(*vols),
            (std::vector<std::string>{lun_name("vol-a", 1), lun_name("vol-b", 1), lun_name("vol-multi", 1),
                                      lun_name("vol-multi", 2), lun_name("vol-secure", 1)}));
  const auto* a = find_named(*vols, lun_name("vol-a", 1));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->size_bytes, 64 * kMiB);
  EXPECT_EQ(info(a->extra_info, "vendor"), "SNAPMGR");
  EXPECT_EQ(info(a->extra_info, "product"), "VDISK-A");
  EXPECT_EQ(info(a->extra_info, "serial"), "SN-VOL-A");
  EXPECT_FALSE(a->in_use);
  EXPECT_EQ(find_named(*vols, lun_name("vol-multi", 1))->size_bytes, 8 * kMiB);
  EXPECT_EQ(find_named(*vols, lun_name("vol-multi", 2))->size_bytes, 4 * kMiB);
  EXPECT_EQ(find_named(*vols, lun_name("vol-secure", 1))->size_bytes, 16 * kMiB);
}

TEST(IscsiListing, ARegistrationMadeThroughLibiscsiMarksTheLunInUse) {
  auto& fx = IscsiFixture::get();
  ResetOnExit reset_if_the_registration_stays;
  auto d = load_iscsi(fx.options());
  ASSERT_TRUE(d);
  auto in_use = [&] {
    auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
    EXPECT_TRUE(vols.ok()) << vols.error().message();
    const auto* b = vols.ok() ? find_named(*vols, lun_name("vol-b", 1)) : nullptr;
    EXPECT_NE(b, nullptr);
    return b && b->in_use;
  };
  EXPECT_FALSE(in_use());
  const std::string holder = "iqn.2026-11.io.snapmgr:test-holder";
  ASSERT_EQ(set_reservation_key(fx.portal(), iqn("vol-b"), 1, holder, 0x5eed), "");
  EXPECT_TRUE(in_use());
  ASSERT_EQ(set_reservation_key(fx.portal(), iqn("vol-b"), 1, holder, 0), "");  // unregister
  EXPECT_FALSE(in_use());
}

TEST(IscsiListing, DefaultPatternsMakeEveryOtherTargetAVolume) {
  auto& fx = IscsiFixture::get();
  auto d = load_iscsi("{portals: [\"" + fx.portal() + "\"], chap: {user: " + kChapUser +
                      ", password: " + kChapPassword + "}}");
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  EXPECT_NE(find_named(*vols, lun_name("unrelated-x", 1)), nullptr);
  EXPECT_EQ(find_named(*vols, lun_name("snap-vol-a-1", 1)), nullptr);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(snaps->size(), 4u);
}

TEST(IscsiListing, OneSessionAtATimeListsTheSameAsFour) {
  auto& fx = IscsiFixture::get();
  auto serial = load_iscsi(fx.options(kChapPassword, ", max_parallel_logins: 1"));
  auto parallel = load_iscsi(fx.options(kChapPassword, ", max_parallel_logins: 4"));
  ASSERT_TRUE(serial && parallel);
  auto a = list_snapshots(*(*serial)->snapshot_discovery(), test_call());
  auto b = list_snapshots(*(*parallel)->snapshot_discovery(), test_call());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].reference, (*b)[i].reference);
    EXPECT_EQ((*a)[i].size_bytes, (*b)[i].size_bytes);
    EXPECT_EQ((*a)[i].in_use, (*b)[i].in_use);
  }
}

TEST(IscsiListing, ConformanceOptionsFileDescribesTheFixtureInventory) {
  // The conformance kit loads conformance-options.yaml with setup's output merged over it; check
  // the inventory it will see meets the convention (>= 2 volumes, >= 3 snapshots of listed
  // volumes, >= 1 in use).
  auto& fx = IscsiFixture::get();
  const std::string options = fx.conformance_options();
  SCOPED_TRACE(options);
  auto d = load_iscsi(options);
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(vols.ok() && snaps.ok());
  EXPECT_GE(vols->size(), 2u);
  int of_listed_volumes = 0, in_use = 0;
  for (const auto& s : *snaps) {
    EXPECT_FALSE(s.reason) << *s.reason;
    in_use += s.in_use;
    auto inspected = (*d)->volume_adoption()->inspect_volume(test_call(), s.source_reference);
    if (inspected.ok() && find_named(*vols, *inspected->reference.find("source-name"))) ++of_listed_volumes;
  }
  EXPECT_GE(of_listed_volumes, 3);
  EXPECT_GE(in_use, 1);
}

}  // namespace
}  // namespace snapmgr::testing::iscsi
