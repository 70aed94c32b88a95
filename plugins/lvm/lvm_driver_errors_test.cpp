// The lvm driver's error paths with a scripted lvm2 (fake_lvm_test.hpp): missing binary,
// missing volume group, non-zero exit, unparsable output, failed rename, a hanging lvm2 and
// the call's deadline — each the right error code with a message naming command and volume
// group, and never a hang.
#include "fake_lvm_test.hpp"

namespace snapmgr::testing {
namespace {

using namespace std::chrono_literals;

using LvmDriverErrors = LvmDriverTest;

TEST_F(LvmDriverErrors, MissingBinaryIsABackendErrorNamingCommandAndVolumeGroup) {
  auto r = load_test_driver(kPlugin, "{volume_group: vg0, lvm_binary: /nonexistent/lvm}");
  ASSERT_TRUE(r.driver) << r.error;
  expect_error(list_snapshots(*(*r.driver)->snapshot_discovery(), test_call()), ErrorCode::BackendError,
               {"`/nonexistent/lvm lvs vg0` on volume group 'vg0' could not run", "/nonexistent/lvm"});
  auto path = load_test_driver(kPlugin, "{volume_group: vg0, lvm_binary: snapmgr-no-such-lvm}");
  ASSERT_TRUE(path.driver) << path.error;
  expect_error((*path.driver)->volume_adoption()->inspect_volume(test_call(), source_name("vol-a")),
               ErrorCode::BackendError, {"`snapmgr-no-such-lvm lvs vg0/vol-a`", "not found in PATH"});
}

TEST_F(LvmDriverErrors, MissingVolumeGroupIsABackendErrorNotAnInvalidReference) {
  fake_lvm("echo '  Volume group \"vg0\" not found' >&2\necho '  Cannot process volume group vg0' >&2\nexit 5\n");
  auto d = load();
  ASSERT_TRUE(d);
  expect_error(list_volumes(*(*d)->volume_discovery(), test_call()), ErrorCode::BackendError,
               {"`" + (dir_ / "lvm").string() + " lvs vg0` on volume group 'vg0' failed with exit code 5",
                "Volume group \"vg0\" not found; Cannot process volume group vg0"});
  expect_error((*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a")),
               ErrorCode::BackendError, {"lvs vg0/snap-a1", "Volume group \"vg0\" not found"});
}

TEST_F(LvmDriverErrors, NonZeroExitCarriesStderr) {
  fake_lvm("echo 'partial output'\necho '  Something broke' >&2\necho '  badly  ' >&2\nexit 3\n");
  auto d = load();
  ASSERT_TRUE(d);
  expect_error(list_snapshots(*(*d)->snapshot_discovery(), test_call()), ErrorCode::BackendError,
               {"failed with exit code 3: Something broke; badly"});
}

TEST_F(LvmDriverErrors, UnparsableReportIsABackendError) {
  fake_lvm("echo 'this is not json'\n");
  auto d = load();
  ASSERT_TRUE(d);
  expect_error(list_snapshots(*(*d)->snapshot_discovery(), test_call()), ErrorCode::BackendError,
               {"lvs vg0` on volume group 'vg0': lvs printed unparsable JSON", "this is not json"});
  fake_lvm("echo '{\"report\": [{\"lv\": [{\"lv_name\": \"a\", \"lv_size\": \"1.5\"}]}]}'\n");
  expect_error(list_volumes(*(*d)->volume_discovery(), test_call()), ErrorCode::BackendError,
               {"has no \"lv_attr\" field"});
  fake_lvm("echo '{\"report\": [{\"lv\": []}]}'\n");
  expect_error((*d)->volume_adoption()->inspect_volume(test_call(), source_name("vol-a")), ErrorCode::BackendError,
               {"succeeded but reported no LV named 'vol-a'"});
}

TEST_F(LvmDriverErrors, FailedRenameIsABackendErrorWithStderr) {
  fake_lvm(
      "case \"$1\" in\n  lvs) cat '" + kRecorded +
      "' ;;\n  lvrename) echo '  Logical Volume \"x\" already exists in volume group \"vg0\"' >&2; exit 5 ;;\nesac\n");
  auto d = load();
  ASSERT_TRUE(d);
  expect_error(
      (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), kId),
      ErrorCode::BackendError,
      {"`" + (dir_ / "lvm").string() + " lvrename vg0 snap-a1 _snapshot-" + kId + "` on volume group 'vg0'",
       "exit code 5: Logical Volume \"x\" already exists"});
}

TEST_F(LvmDriverErrors, AHangingLvmIsKilledAtTheCommandTimeout) {
  fake_lvm("exec sleep 300\n");
  auto d = load("command_timeout_s: 1");
  ASSERT_TRUE(d);
  const auto start = std::chrono::steady_clock::now();
  expect_error(list_snapshots(*(*d)->snapshot_discovery(), test_call(60s)), ErrorCode::Timeout,
               {"lvs vg0` on volume group 'vg0' did not finish within 1000 ms and was killed"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);  // not the script's 300 s
}

TEST_F(LvmDriverErrors, TheCallsDeadlineShortensTheTimeout) {
  fake_lvm("exec sleep 300\n");
  auto d = load("command_timeout_s: 600");
  ASSERT_TRUE(d);
  const auto start = std::chrono::steady_clock::now();
  expect_error((*d)->volume_adoption()->adopt_volume(test_call(500ms), source_name("vol-a"), kId), ErrorCode::Timeout,
               {"lvs vg0/vol-a` on volume group 'vg0' did not finish within"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);  // not the configured 600 s
  EXPECT_EQ(calls().size(), 1u);
}

TEST_F(LvmDriverErrors, AnExpiredCallStartsNothing) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  Call expired = test_call(0ms);
  expect_error(list_snapshots(*(*d)->snapshot_discovery(), expired), ErrorCode::Timeout,
               {"was not started: the call's deadline has passed"});
  EXPECT_TRUE(calls().empty());
}

}  // namespace
}  // namespace snapmgr::testing
