// How many lvm2 processes the driver starts, counted by a wrapper lvm_binary (counting-lvm)
// that logs every invocation and then runs the real lvm. Cinder starts 1 + N + 2S − M per
// listing (docs/cinder-compatibility.md §8.1); the driver starts 1 per listing, whatever N is, at most
// 2 per adoption, and none for a reference it refuses.
#include <filesystem>

#include "lvm_fixture.hpp"

namespace snapmgr::testing {
namespace {

const std::string kLvsPrefix =
    "lvs --reportformat json --units b --nosuffix -o "
    "lv_name,lv_size,lv_attr,origin,lv_uuid,pool_lv,lv_tags ";
const std::string kId = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a";

template <class T>
std::string outcome(const Result<T>& r) {
  return r.ok() ? "ok" : std::string(to_string(r.error().code()));
}

class LvmProcessCount : public LvmTest {
 protected:
  void SetUp() override {
    LvmTest::SetUp();
    if (HasFatalFailure()) return;
    driver_ = fixture().load_driver({{"lvm_binary", kCountingLvm}});
    ASSERT_TRUE(driver_);
    fixture().clear_counted_calls();
  }
  std::unique_ptr<TestDriver> driver_;
};

TEST_F(LvmProcessCount, ListingTwoHundredLvsRunsOneProcess) {
  fixture().craft({"bulk:bulk:200"});             // 100 volumes bulk-vN, each with a classic snapshot bulk-sN
  ASSERT_EQ(fixture().lvs().size(), 12u + 200u);  // lvs -a: the fixture's 12 LVs and 200 more
  fixture().clear_counted_calls();

  auto snaps = list_snapshots(*(*driver_)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(snaps->size(), 5u + 100u);
  EXPECT_EQ(fixture().counted_calls(), (std::vector<std::string>{kLvsPrefix + fixture().vg()}));

  fixture().clear_counted_calls();
  auto vols = list_volumes(*(*driver_)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  EXPECT_EQ(vols->size(), 4u + 100u);
  EXPECT_EQ(fixture().counted_calls().size(), 1u);

  std::size_t bulk_snapshots_of_their_volume = 0;
  for (const auto& s : *snaps) {
    const std::string name = *s.reference.find("source-name");
    if (name.rfind("bulk-s", 0) == 0 && *s.source_reference.find("source-name") == "bulk-v" + name.substr(6)) {
      ++bulk_snapshots_of_their_volume;
    }
  }
  EXPECT_EQ(bulk_snapshots_of_their_volume, 100u);
}

TEST_F(LvmProcessCount, InspectRunsOneAndTheAdoptionAfterItOne) {
  // snapmgrd inspects before its 202 and adopts right after: two lvm2 processes in all.
  const std::string vg = fixture().vg();
  ASSERT_TRUE((*driver_)
                  ->snapshot_adoption()
                  ->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"))
                  .ok());
  EXPECT_EQ(fixture().counted_calls(), (std::vector<std::string>{kLvsPrefix + vg + "/snap-a1"}));

  fixture().clear_counted_calls();
  auto snap =
      (*driver_)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kId);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_EQ(fixture().counted_calls(), (std::vector<std::string>{"lvrename " + vg + " snap-a1 _snapshot-" + kId}));

  fixture().clear_counted_calls();
  ASSERT_TRUE((*driver_)->volume_adoption()->inspect_volume(test_call(), source_name("vol-b")).ok());
  EXPECT_EQ(fixture().counted_calls().size(), 1u);

  fixture().clear_counted_calls();
  auto vol = (*driver_)->volume_adoption()->adopt_volume(test_call(), source_name("vol-b"), kId);
  ASSERT_TRUE(vol.ok()) << vol.error().message();
  EXPECT_EQ(fixture().counted_calls(), (std::vector<std::string>{"lvrename " + vg + " vol-b volume-" + kId}));
}

TEST_F(LvmProcessCount, AdoptWithoutAnInspectionRunsTwo) {
  const std::string vg = fixture().vg();
  auto snap =
      (*driver_)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kId);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_EQ(fixture().counted_calls(),
            (std::vector<std::string>{kLvsPrefix + vg + "/snap-a1", "lvrename " + vg + " snap-a1 _snapshot-" + kId}));

  // A refused adoption stops after its one lvs.
  fixture().clear_counted_calls();
  EXPECT_FALSE((*driver_)
                   ->snapshot_adoption()
                   ->adopt_snapshot(test_call(), source_name("snap-b1"), source_name("vol-a"), kId)
                   .ok());
  EXPECT_EQ(fixture().counted_calls().size(), 1u);
}

TEST_F(LvmProcessCount, AnLvChangedAfterItsInspectionIsLookedAtAgain) {
  const std::string vg = fixture().vg();
  ASSERT_TRUE((*driver_)
                  ->snapshot_adoption()
                  ->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"))
                  .ok());
  // Someone else renames it between the inspection and the adoption.
  auto other = fixture().load_driver({{"lvm_binary", kCountingLvm}});
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)
                  ->snapshot_adoption()
                  ->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"),
                                   "11111111-2222-4333-8444-555555555555")
                  .ok());
  fixture().clear_counted_calls();
  auto late =
      (*driver_)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kId);
  ASSERT_FALSE(late.ok()) << "snap-a1 is gone: the adoption looked again and says so";
  EXPECT_EQ(late.error().code(), ErrorCode::InvalidReference) << late.error().message();
  const auto calls = fixture().counted_calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[0], "lvrename " + vg + " snap-a1 _snapshot-" + kId) << "the remembered LV was tried first";
  EXPECT_EQ(calls[1], kLvsPrefix + vg + "/snap-a1") << "then looked at again";
}

TEST_F(LvmProcessCount, HostileNamesAreInvalidReferencesAndStartNoProcess) {
  const std::vector<std::string> hostile = {"a;b",        "$(touch /tmp/snapmgr-lvm-pwned)",
                                            "a b",        "..",
                                            "-x",         std::string(1000, 'a'),
                                            "",           std::string("vol-a\0;reboot", 13),
                                            "../vol-a",   "vol-a/x",
                                            "`id`",       "a\tb",
                                            "snapshot-1", "tpool_tmeta"};
  auto* snaps = (*driver_)->snapshot_adoption();
  auto* vols = (*driver_)->volume_adoption();
  for (const auto& name : hostile) {
    const std::vector<std::string> outcomes = {
        outcome(snaps->inspect_snapshot(test_call(), source_name(name), source_name("vol-a"))),
        outcome(snaps->adopt_snapshot(test_call(), source_name(name), source_name("vol-a"), kId)),
        outcome(snaps->inspect_snapshot(test_call(), source_name("snap-a1"), source_name(name))),
        outcome(vols->inspect_volume(test_call(), source_name(name))),
        outcome(vols->adopt_volume(test_call(), source_name(name), kId)),
    };
    for (const auto& o : outcomes) EXPECT_EQ(o, "InvalidReference") << "name of " << name.size() << " bytes";
  }
  EXPECT_EQ(outcome(snaps->inspect_snapshot(test_call(), StringMap{{"source-id", "snap-a1"}}, source_name("vol-a"))),
            "InvalidReference");
  EXPECT_TRUE(fixture().counted_calls().empty());
  EXPECT_EQ(fixture().lvs().size(), 12u);  // nothing renamed, nothing created
  EXPECT_FALSE(std::filesystem::exists("/tmp/snapmgr-lvm-pwned"));
}

}  // namespace
}  // namespace snapmgr::testing
