// The fake driver, through the real loader and the SDK boundary only.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/driver_harness.hpp"

namespace snapmgr::testing {
namespace {

using namespace std::chrono_literals;

const std::string kPlugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_fake.so";

const char* kInventory = R"({
  snapshots: [
    {name: lvol0, size_bytes: 1073741824, origin: volume-a, extra_info: {pool: gold}},
    {name: busy, size_bytes: 5, origin: volume-a, in_use: true},
    {name: cloned, size_bytes: 7, origin: volume-b, reason: has clones}],
  volumes: [
    {name: volume-a, size_bytes: 2147483648},
    {name: volume-b, size_bytes: 1, in_use: true}]
})";

std::unique_ptr<TestDriver> load(const std::string& options) {
  auto r = load_test_driver(kPlugin, options);
  EXPECT_TRUE(r.driver) << r.error;
  return std::move(r.driver);
}

TEST(FakeDriver, DescriptorDeclaresEveryCapability) {
  auto d = load("{}");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->plugin.descriptor->name, "fake");
  EXPECT_NE((*d)->snapshot_discovery(), nullptr);
  EXPECT_NE((*d)->snapshot_adoption(), nullptr);
  EXPECT_NE((*d)->snapshot_release(), nullptr);
  EXPECT_NE((*d)->volume_discovery(), nullptr);
  EXPECT_NE((*d)->volume_adoption(), nullptr);
  EXPECT_NE((*d)->volume_release(), nullptr);
  EXPECT_EQ(d->plugin.descriptor->capabilities, snapmgr::capabilities_of_minor(snapmgr::kAbiMinor));
}

TEST(FakeDriver, ReleasingAVolumeLeavesItListed) {
  auto d = load(kInventory);
  ASSERT_TRUE(d);
  auto vol = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("volume-a"), "1111");
  ASSERT_TRUE(vol.ok()) << vol.error().message();
  ASSERT_TRUE((*d)->volume_release()->release_volume(test_call(), *vol, "1111").ok());
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok());
  bool listed = false;
  for (const auto& v : *vols) listed = listed || v.reference == *vol;
  EXPECT_TRUE(listed) << "the released volume is no longer listed as " << *vol->find("source-name");
  // Releasing something the backend does not have is not an error (the host may repeat it).
  EXPECT_TRUE((*d)->volume_release()->release_volume(test_call(), source_name("gone"), "2222").ok());
}

TEST(FakeDriver, ListsTheConfiguredInventory) {
  auto d = load(kInventory);
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 3u);
  const auto& s0 = (*snaps)[0];
  EXPECT_EQ(s0.reference, source_name("lvol0"));
  EXPECT_EQ(s0.size_bytes, 1073741824u);
  EXPECT_EQ(s0.source_reference, source_name("volume-a"));
  EXPECT_FALSE(s0.in_use);
  EXPECT_FALSE(s0.reason);
  EXPECT_EQ(*s0.extra_info.find("pool"), "gold");
  EXPECT_TRUE((*snaps)[1].in_use);
  EXPECT_EQ((*snaps)[2].reason.value_or(""), "has clones");
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok());
  ASSERT_EQ(vols->size(), 2u);
  EXPECT_EQ((*vols)[0].size_bytes, 2147483648u);
  EXPECT_TRUE((*vols)[1].in_use);
}

TEST(FakeDriver, BadInventoryFailsInitialisationNamingItemAndLine) {
  auto r = load_test_driver(kPlugin, "{snapshots: [{name: a, origin: v}]}");
  ASSERT_FALSE(r.driver);
  EXPECT_NE(r.error.find("InvalidConfig: snapshots[0].size_bytes (line 4)"), std::string::npos) << r.error;
  auto r2 = load_test_driver(kPlugin, "{faults: {explode: {error: x}}}");
  ASSERT_FALSE(r2.driver);
  EXPECT_NE(r2.error.find("faults.explode"), std::string::npos) << r2.error;
  auto r3 = load_test_driver(kPlugin,
                             "{volumes: [{name: a, size_bytes: 1}], snapshots: [{name: a, size_bytes: 1, origin: a}]}");
  ASSERT_FALSE(r3.driver);
  EXPECT_NE(r3.error.find("used twice"), std::string::npos) << r3.error;
}

TEST(FakeDriver, GenerationIsDeterministicPerSeed) {
  auto a = load("{generate: {snapshots: 500, volumes: 20, seed: 7}}");
  auto b = load("{generate: {snapshots: 500, volumes: 20, seed: 7}}");
  auto c = load("{generate: {snapshots: 500, volumes: 20, seed: 8}}");
  ASSERT_TRUE(a && b && c);
  auto la = list_snapshots(*(*a)->snapshot_discovery(), test_call());
  auto lb = list_snapshots(*(*b)->snapshot_discovery(), test_call());
  auto lc = list_snapshots(*(*c)->snapshot_discovery(), test_call());
  ASSERT_EQ(la->size(), 500u);
  int in_use = 0, with_reason = 0;
  for (std::size_t i = 0; i < la->size(); ++i) {
    EXPECT_EQ((*la)[i].reference, (*lb)[i].reference);
    EXPECT_EQ((*la)[i].size_bytes, (*lb)[i].size_bytes);
    EXPECT_EQ((*la)[i].source_reference, (*lb)[i].source_reference);
    in_use += (*la)[i].in_use;
    with_reason += (*la)[i].reason.has_value();
  }
  EXPECT_NE((*la)[0].reference, (*lc)[0].reference);
  EXPECT_GT(in_use, 0);
  EXPECT_GT(with_reason, 0);
  // Every generated snapshot's origin is a generated volume, so the inventory is adoptable.
  auto vols = list_volumes(*(*a)->volume_discovery(), test_call());
  ASSERT_EQ(vols->size(), 20u);
  for (const auto& s : *la) {
    bool found = false;
    for (const auto& v : *vols) found = found || v.reference == s.source_reference;
    EXPECT_TRUE(found);
  }
}

TEST(FakeDriver, AdoptionRenamesAndVolumeRenameMovesOrigins) {
  auto d = load(kInventory);
  ASSERT_TRUE(d);
  auto vol = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("volume-a"), "1111");
  ASSERT_TRUE(vol.ok()) << vol.error().message();
  EXPECT_EQ(*vol, source_name("volume-1111"));
  // The snapshot's origin followed the rename; the old volume name no longer matches.
  auto wrong = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("lvol0"), source_name("volume-a"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::InvalidReference);
  EXPECT_NE(wrong.error().message().find("is a snapshot of volume 'volume-1111'"), std::string::npos);
  auto info = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("lvol0"), *vol);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->size_bytes, 1073741824u);
  auto snap = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("lvol0"), *vol, "2222");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(*snap, source_name("_snapshot-2222"));
  auto list = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  EXPECT_EQ((*list)[0].reference, source_name("_snapshot-2222"));
  EXPECT_EQ((*list)[0].source_reference, source_name("volume-1111"));
  // Adopting the old name again: it is gone.
  auto again = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("lvol0"), *vol, "3333");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::InvalidReference);
}

TEST(FakeDriver, VolumeRenamedToAMissingOriginJoinsItsSnapshots) {
  // "orphan" names an origin that does not exist; renaming volume-a to that name makes both
  // snapshots children of the same volume.
  auto d = load(R"({
    snapshots: [{name: lvol0, size_bytes: 1, origin: volume-a}, {name: orphan, size_bytes: 1, origin: volume-9999}],
    volumes: [{name: volume-a, size_bytes: 1}]})");
  ASSERT_TRUE(d);
  auto vol = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("volume-a"), "9999");
  ASSERT_TRUE(vol.ok()) << vol.error().message();
  auto list = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].source_reference, source_name("volume-9999"));
  EXPECT_EQ((*list)[1].source_reference, source_name("volume-9999"));
  for (const char* snap : {"lvol0", "orphan"}) {
    auto info = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name(snap), *vol);
    EXPECT_TRUE(info.ok()) << snap << ": " << info.error().message();
  }
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_EQ(vols->size(), 1u);
  EXPECT_EQ((*vols)[0].reference, source_name("volume-9999"));
}

TEST(FakeDriver, AdoptionRepeatedWithTheSameIdIsIdempotent) {
  auto d = load(kInventory);
  ASSERT_TRUE(d);
  auto* a = (*d)->snapshot_adoption();
  auto first = a->adopt_snapshot(test_call(), source_name("lvol0"), source_name("volume-a"), "77");
  auto again = a->adopt_snapshot(test_call(), source_name("lvol0"), source_name("volume-a"), "77");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*again, source_name("_snapshot-77"));
  auto other_id = a->adopt_snapshot(test_call(), source_name("lvol0"), source_name("volume-a"), "78");
  EXPECT_FALSE(other_id.ok());  // a different id does not get someone else's object
  auto v1 = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("volume-b"), "9");
  auto v2 = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("volume-b"), "9");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(*v2, source_name("volume-9"));
}

TEST(FakeDriver, BadReferencesAreInvalidReferences) {
  auto d = load(kInventory);
  ASSERT_TRUE(d);
  auto* a = (*d)->snapshot_adoption();
  for (const auto& ref :
       {source_name("nope"), source_name("volume-a"), StringMap{{"source-id", "7"}}, source_name("")}) {
    auto r = a->inspect_snapshot(test_call(), ref, source_name("volume-a"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::InvalidReference);
  }
  auto r = (*d)->volume_adoption()->inspect_volume(test_call(), source_name("lvol0"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("is a snapshot, not a volume"), std::string::npos);
}

TEST(FakeDriver, ErrorFaultFailsOnlyItsOperation) {
  auto d = load(
      "{snapshots: [{name: s, size_bytes: 1, origin: v}], volumes: [{name: v, size_bytes: 1}],"
      " faults: {adopt_snapshot: {error: backend exploded}}}");
  ASSERT_TRUE(d);
  EXPECT_TRUE(list_snapshots(*(*d)->snapshot_discovery(), test_call()).ok());
  EXPECT_TRUE((*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("s"), source_name("v")).ok());
  auto r = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("s"), source_name("v"), "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::BackendError);
  EXPECT_EQ(r.error().message(), "backend exploded");
  // Nothing was renamed.
  EXPECT_EQ((*list_snapshots(*(*d)->snapshot_discovery(), test_call()))[0].reference, source_name("s"));
}

TEST(FakeDriver, EveryOperationHasItsFault) {
  for (const std::string op : {"list_snapshots", "snapshot_size", "adopt_snapshot", "release_snapshot", "list_volumes",
                               "adopt_volume", "release_volume"}) {
    auto d = load(
        "{snapshots: [{name: s, size_bytes: 1, origin: v}], volumes: [{name: v, size_bytes: 1}],"
        " faults: {" +
        op + ": {error: boom-" + op + "}}}");
    ASSERT_TRUE(d);
    auto* drv = d->driver.get();
    std::string message;
    if (op == "list_snapshots") message = list_snapshots(*drv->snapshot_discovery(), test_call()).error().message();
    if (op == "snapshot_size")
      message =
          drv->snapshot_adoption()->inspect_snapshot(test_call(), source_name("s"), source_name("v")).error().message();
    if (op == "adopt_snapshot")
      message = drv->snapshot_adoption()
                    ->adopt_snapshot(test_call(), source_name("s"), source_name("v"), "i")
                    .error()
                    .message();
    if (op == "release_snapshot")
      message = drv->snapshot_release()->release_snapshot(test_call(), source_name("s"), "i").error().message();
    if (op == "list_volumes") message = list_volumes(*drv->volume_discovery(), test_call()).error().message();
    if (op == "adopt_volume")
      message = drv->volume_adoption()->adopt_volume(test_call(), source_name("v"), "i").error().message();
    if (op == "release_volume") {
      message = drv->volume_release()->release_volume(test_call(), source_name("v"), "i").error().message();
    }
    EXPECT_EQ(message, "boom-" + op);
  }
}

TEST(FakeDriver, DelayFaultWaitsAndRespectsTheDeadline) {
  auto d = load("{faults: {list_snapshots: {delay_ms: 300}}}");
  ASSERT_TRUE(d);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(list_snapshots(*(*d)->snapshot_discovery(), test_call()).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  auto r = list_snapshots(*(*d)->snapshot_discovery(), test_call(50ms));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::Timeout);
}

TEST(FakeDriver, HangFaultBlocksUntilTheDriverIsDestroyed) {
  auto d = load("{faults: {list_volumes: {hang: true}}}");
  ASSERT_TRUE(d);
  std::atomic<bool> returned{false};
  snapmgr::ErrorCode code = ErrorCode::NotSupported;
  std::thread caller([&] {
    auto r = list_volumes(*(*d)->volume_discovery(), test_call(100ms));
    code = r.ok() ? ErrorCode::NotSupported : r.error().code();
    returned = true;
  });
  std::this_thread::sleep_for(400ms);
  EXPECT_FALSE(returned.load()) << "a hang ignores the call's deadline";
  d->driver.reset();  // wakes the hung call, then finishes destruction
  caller.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(code, ErrorCode::Timeout);
}

TEST(FakeDriver, InitFaults) {
  auto failing = load_test_driver(kPlugin, "{faults: {init: {error: disk on fire}}}");
  ASSERT_FALSE(failing.driver);
  EXPECT_NE(failing.error.find("disk on fire"), std::string::npos) << failing.error;
  auto hanging = load_test_driver(kPlugin, "{faults: {init: {hang: true}}}", "/tmp", 200ms);
  ASSERT_FALSE(hanging.driver);
  EXPECT_NE(hanging.error.find("did not finish within 200 ms"), std::string::npos) << hanging.error;
}

// `crash` and `exit` end the process the driver runs in (death tests: a child process each).
TEST(FakeDriverDeathTest, CrashAndExitFaultsEndTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        auto d = load("{volumes: [{name: v, size_bytes: 1}], faults: {list_volumes: {crash: true}}}");
        (void)list_volumes(*(*d)->volume_discovery(), test_call());
      },
      ::testing::KilledBySignal(SIGSEGV), "");
  EXPECT_EXIT(
      {
        auto d = load("{volumes: [{name: v, size_bytes: 1}], faults: {adopt_volume: {exit: 7}}}");
        (void)(*d)->volume_adoption()->adopt_volume(test_call(), source_name("v"), "i");
      },
      ::testing::ExitedWithCode(7), "");
  EXPECT_EXIT((void)load_test_driver(kPlugin, "{faults: {init: {exit: 0}}}"), ::testing::ExitedWithCode(0), "");
  // Other operations of that driver are unaffected.
  auto d = load("{volumes: [{name: v, size_bytes: 1}], faults: {adopt_volume: {crash: true}}}");
  ASSERT_TRUE(d);
  EXPECT_TRUE(list_volumes(*(*d)->volume_discovery(), test_call()).ok());
  for (const char* bad : {"{faults: {list_volumes: {crash: 1}}}", "{faults: {list_volumes: {exit: 256}}}",
                          "{faults: {list_volumes: {exit: yes}}}"}) {
    auto refused = load_test_driver(kPlugin, bad);
    EXPECT_FALSE(refused.driver) << bad;
  }
}

TEST(FakeDriver, StateFilePersistsRenamesAcrossRestarts) {
  auto dir = std::filesystem::temp_directory_path() / ("snapmgr-fake-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "state.json").string();
  std::filesystem::remove(file);
  const std::string options =
      std::string("{state_file: ") + file +
      ", snapshots: [{name: s, size_bytes: 1, origin: v}], volumes: [{name: v, size_bytes: 1}]}";
  {
    auto d = load(options);
    ASSERT_TRUE(d);
    ASSERT_TRUE((*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("s"), source_name("v"), "abc").ok());
  }
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
  auto d = load(options);  // the options' list says "s", the state file wins
  ASSERT_TRUE(d);
  auto list = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].reference, source_name("_snapshot-abc"));
  std::filesystem::remove_all(dir);
}

TEST(FakeDriver, ConcurrentAdoptionsOfOneObjectRenameItOnce) {
  auto d = load("{snapshots: [{name: s, size_bytes: 1, origin: v}], volumes: [{name: v, size_bytes: 1}]}");
  ASSERT_TRUE(d);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      ok += (*d)->snapshot_adoption()
                ->adopt_snapshot(test_call(), source_name("s"), source_name("v"), std::to_string(i))
                .ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
}

}  // namespace
}  // namespace snapmgr::testing
