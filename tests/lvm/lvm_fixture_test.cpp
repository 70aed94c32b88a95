// The fixture itself (tests/fixtures/lvm/hook through HookFixture), since the conformance kit
// and the lead's catalog tests rely on it: setup follows the hook convention and isolates
// parallel fixtures, reset restores the inventory exactly, and teardown leaves nothing behind —
// after a partial setup, and when the test process dies without tearing down.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "host/command_runner.hpp"
#include "lvm_fixture.hpp"

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

CommandOutput run(std::vector<std::string> argv, std::vector<std::pair<std::string, std::string>> env = {}) {
  core::ProcessCommandRunner runner;
  Command command;
  command.argv = std::move(argv);
  command.env = std::move(env);
  command.timeout = 180s;
  auto out = runner.run(command);
  EXPECT_TRUE(out.ok()) << out.error().message();
  return out.ok() ? *out : CommandOutput{-1, "", out.error().message()};
}

// The backing files of every attached loop device.
std::string loop_backing_files() { return run({"losetup", "--list", "--noheadings", "--output", "BACK-FILE"}).out; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::pair<std::string, std::string>> lvm_env(const std::string& workspace) {
  return {{"LVM_SYSTEM_DIR", workspace + "/etc-lvm"}, {"LVM_SUPPRESS_FD_WARNINGS", "1"}, {"LC_ALL", "C"}};
}

using LvmFixtureTest = LvmTest;

TEST_F(LvmFixtureTest, ParallelFixturesAreIsolatedFromEachOther) {
  auto second = HookFixture::start(kLvmHook, "lvm-second");
  ASSERT_TRUE(second.ok()) << second.error().message();
  const std::string dir = (*second)->dir();
  // setup printed exactly one key, a VG name of its own
  ASSERT_EQ((*second)->setup_values().size(), 1u);
  const std::string vg = (*second)->setup_values().at("volume_group");
  EXPECT_NE(vg, fixture().vg());
  // its lvm.conf accepts its own loop device only
  const std::string loop = read_file(dir + "/loop");
  ASSERT_EQ(loop.rfind("/dev/loop", 0), 0u) << loop;
  EXPECT_NE(read_file(dir + "/etc-lvm/lvm.conf").find("\"a|^" + loop.substr(0, loop.size() - 1) + "$|\", \"r|.*|\""),
            std::string::npos);
  // each sees only its own VG
  auto theirs = run({"lvm", "vgs", "--noheadings", "-o", "vg_name"}, lvm_env(dir));
  EXPECT_NE(theirs.out.find(vg), std::string::npos);
  EXPECT_EQ(theirs.out.find(fixture().vg()), std::string::npos);
  auto ours = fixture().lvm({"vgs", "--noheadings", "-o", "vg_name"});
  EXPECT_NE(ours.out.find(fixture().vg()), std::string::npos);
  EXPECT_EQ(ours.out.find(vg), std::string::npos);
  // the driver works on it through the same options file
  auto yaml = (*second)->options_yaml(kLvmOptionsFile);
  ASSERT_TRUE(yaml.ok()) << yaml.error().message();
  auto d = load_test_driver(kLvmPlugin, *yaml);
  ASSERT_TRUE(d.driver) << d.error;
  auto snaps = list_snapshots(*(*d.driver)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(snaps->size(), 5u);

  ASSERT_TRUE((*second)->stop().ok());
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(loop_backing_files().find(dir), std::string::npos) << loop_backing_files();
  EXPECT_NE(loop_backing_files().find(fixture().dir()), std::string::npos) << "the suite's fixture was disturbed";
}

TEST_F(LvmFixtureTest, ResetRestoresTheInventoryExactly) {
  const auto before = fixture().lvs();
  const std::string vg = fixture().vg();
  ASSERT_EQ(fixture().lvm({"lvrename", vg, "snap-a1", "moved"}).exit_code, 0);
  ASSERT_EQ(fixture().lvm({"lvrename", vg, "vol-b", "volume-x"}).exit_code, 0);
  ASSERT_EQ(fixture().lvm({"lvremove", "-y", vg + "/snap-a2"}).exit_code, 0);
  ASSERT_EQ(fixture().lvm({"lvcreate", "-an", "-Zn", "-L", "4m", "-n", "extra", vg}).exit_code, 0);
  fixture().craft({"bulk:more:4"});
  ASSERT_NE(fixture().lvs().size(), before.size());

  ASSERT_TRUE(fixture().hook().reset().ok());
  const auto after = fixture().lvs();
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, lv] : before) {
    ASSERT_TRUE(after.count(name)) << name;
    const LvFacts& a = after.at(name);
    EXPECT_EQ(std::tie(a.size_bytes, a.attr, a.origin, a.uuid, a.pool, a.tags),
              std::tie(lv.size_bytes, lv.attr, lv.origin, lv.uuid, lv.pool, lv.tags))
        << name;
  }
}

TEST_F(LvmFixtureTest, TeardownCleansUpAfterEveryPartialSetup) {
  const std::string prefix = "/tmp/snapmgr-lvm-partial-" + std::to_string(::getpid()) + "-";
  for (const char* step : {"losetup", "pvcreate", "vgcreate", "lvcreate", "restore"}) {
    auto f = HookFixture::start(kLvmHook, "lvm-partial", {{"SNAPMGR_LVM_HOOK_FAIL_AFTER", step}});
    ASSERT_FALSE(f.ok()) << step;
    EXPECT_NE(f.error().message().find(std::string("failing after '") + step + "'"), std::string::npos)
        << f.error().message();
    EXPECT_NE(f.error().message().find("teardown succeeded"), std::string::npos) << f.error().message();
    EXPECT_EQ(loop_backing_files().find(prefix), std::string::npos) << step << ": " << loop_backing_files();
  }
  for (const auto& entry : fs::directory_iterator("/tmp")) {
    EXPECT_NE(entry.path().string().rfind(prefix, 0), 0u) << entry.path() << " left behind";
  }
}

// The guard tears the fixture down when the process that set it up dies (abort: a failed
// assertion or sanitizer report; SIGKILL: a ctest timeout).
TEST_F(LvmFixtureTest, TeardownRunsWhenTheTestProcessDies) {
  for (const std::string how : {"abort", "kill"}) {
    auto out = run({SNAPMGR_LVM_ABORT_HELPER, how});
    ASSERT_NE(out.exit_code, 0) << how;
    ASSERT_EQ(out.out.rfind("/tmp/snapmgr-lvm-abort-", 0), 0u) << how << ": " << out.out << out.err;
    const std::string dir = out.out.substr(0, out.out.find('\n'));
    // The guard holds the helper's stderr until it is done, so it has usually finished when
    // run() returns; wait a bounded time in case it has not.
    for (int i = 0; i < 300 && fs::exists(dir); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(fs::exists(dir)) << how << ": workspace left behind; helper stderr: " << out.err;
    EXPECT_EQ(loop_backing_files().find(dir), std::string::npos) << how << ": " << loop_backing_files();
    EXPECT_NE(out.err.find("ended without teardown"), std::string::npos) << out.err;
  }
}

}  // namespace
}  // namespace snapmgr::testing
