// The fixture hook itself (tests/fixtures/iscsi/hook): instances side by side, teardown by PID
// after full, failed and partial set-ups, and the guardian that tears down after a crash.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "driver_access.hpp"
#include "host/command_runner.hpp"
#include "iscsi_fixture.hpp"
#include "test_portals.hpp"

namespace snapmgr::testing::iscsi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A workspace of its own, torn down and removed whatever happens in the test.
struct ScratchWorkspace {
  explicit ScratchWorkspace(const std::string& name)
      : path("/tmp/snapmgr-iscsi-" + std::to_string(::getpid()) + "-" + name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchWorkspace() {
    run_hook(path, "teardown");
    fs::remove_all(path);
  }
  int read_int(const std::string& file) const {
    try {
      return std::stoi(slurp(path + "/" + file));
    } catch (const std::exception&) {
      return -1;
    }
  }
  std::string path;
};

bool listening(const std::string& portal) {
  // A connect that is refused means nothing listens there any more.
  core::ProcessCommandRunner runner;
  auto port = portal.substr(portal.rfind(':') + 1);
  snapmgr::Command c;
  c.argv = {"bash", "-c", "exec 9<>/dev/tcp/127.0.0.1/" + port};
  auto r = runner.run(c);
  return r.ok() && r->exit_code == 0;
}

TEST(IscsiFixtureHook, ASecondInstanceRunsAlongsideAndTeardownStopsItByPid) {
  auto& main_fixture = IscsiFixture::get();
  ScratchWorkspace ws("second");
  auto setup = run_hook(ws.path, "setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  const std::string portal = portal_printed_by_setup(setup.out);
  ASSERT_FALSE(portal.empty()) << setup.out;
  ASSERT_EQ(setup.out.back(), '\n') << setup.out;
  const int pid = ws.read_int("tgtd.pid");
  const int ctl = ws.read_int("tgtd.ctl");
  EXPECT_NE(portal, main_fixture.portal());
  EXPECT_NE(ctl, main_fixture.control_socket());
  ASSERT_TRUE(process_alive(pid));
  const std::string socket = "/var/run/tgtd/socket." + std::to_string(ctl);
  EXPECT_TRUE(fs::exists(socket));

  auto d = load_iscsi("{portals: [\"" + portal + "\"], volume_target_pattern: '" + kVolumePattern +
                      "', chap: {user: " + kChapUser + ", password: " + kChapPassword + "}}");
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  EXPECT_EQ(vols->size(), 5u);

  auto teardown = run_hook(ws.path, "teardown");
  ASSERT_EQ(teardown.exit_code, 0) << teardown.err;
  EXPECT_FALSE(process_alive(pid)) << "tgtd " << pid << " still runs";
  EXPECT_FALSE(fs::exists(socket));
  EXPECT_FALSE(fs::exists(socket + ".lock"));
  EXPECT_FALSE(listening(portal));
  EXPECT_TRUE(fs::is_empty(ws.path)) << "teardown leaves files behind";
  EXPECT_EQ(run_hook(ws.path, "teardown").exit_code, 0) << "teardown must be repeatable";

  // The suite's own tgtd was not touched.
  EXPECT_TRUE(process_alive(main_fixture.tgtd_pid()));
  EXPECT_TRUE(listening(main_fixture.portal()));
}

TEST(IscsiFixtureHook, AFailedSetupCleansUpAfterItself) {
  ScratchWorkspace ws("failed");
  // A stand-in for the reservation helper that notes tgtd's portal and fails: set-up gets as far
  // as a running tgtd with every target, then fails.
  const std::string fake = ws.path + "/pr-register";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\necho \"$1\" > " << ws.path << "/portal-seen\nexit 1\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  auto setup = run_hook(ws.path, "setup");
  EXPECT_NE(setup.exit_code, 0);
  EXPECT_EQ(setup.out, "") << "a failed setup prints no options";
  EXPECT_NE(setup.err.find("cannot register the reservation key"), std::string::npos) << setup.err;
  const std::string portal = slurp(ws.path + "/portal-seen");
  ASSERT_FALSE(portal.empty());
  EXPECT_FALSE(listening(portal.substr(0, portal.find('\n')))) << "the half-set-up tgtd was left running";
  EXPECT_FALSE(fs::exists(ws.path + "/tgtd.pid"));
  EXPECT_EQ(run_hook(ws.path, "teardown").exit_code, 0);
}

TEST(IscsiFixtureHook, TeardownOfAnEmptyOrForeignStateSucceedsAndKillsNothingElse) {
  ScratchWorkspace empty("empty");
  auto nothing = run_hook(empty.path, "teardown");
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;

  // A pid file naming a process that is not our tgtd (a reused PID): it must survive.
  ScratchWorkspace foreign("foreign");
  pid_t sleeper = 0;
  char sleep_cmd[] = "sleep", thirty[] = "30";
  char* argv[] = {sleep_cmd, thirty, nullptr};
  ASSERT_EQ(posix_spawnp(&sleeper, "sleep", nullptr, nullptr, argv, environ), 0);
  std::ofstream(foreign.path + "/tgtd.pid") << sleeper << "\n";
  std::ofstream(foreign.path + "/tgtd.ctl") << 59999 << "\n";
  auto teardown = run_hook(foreign.path, "teardown");
  EXPECT_EQ(teardown.exit_code, 0) << teardown.err;
  EXPECT_TRUE(process_alive(sleeper));
  ::kill(sleeper, SIGKILL);
  ::waitpid(sleeper, nullptr, 0);
  EXPECT_NE(run_hook(foreign.path, "reset").exit_code, 0) << "reset without a running tgtd must fail";
}

TEST(IscsiFixtureHook, TheGuardianTearsDownAfterTheTestProcessCrashes) {
  // Run this very test program as a child that sets the fixture up and then aborts (see
  // SNAPMGR_ISCSI_TEST_CRASH_REPORT in iscsi_fixture.cpp); its guardian must stop its tgtd and
  // remove its workspace.
  const std::string report = "/tmp/snapmgr-iscsi-" + std::to_string(::getpid()) + "-crash-report";
  fs::remove(report);
  core::ProcessCommandRunner runner;
  snapmgr::Command child;
  child.argv = {fs::read_symlink("/proc/self/exe").string(), "--gtest_filter=IscsiListing.*"};
  child.env = {{"SNAPMGR_ISCSI_TEST_CRASH_REPORT", report}};
  child.timeout = 120s;
  auto ran = runner.run(child);
  ASSERT_TRUE(ran.ok()) << ran.error().message();
  EXPECT_NE(ran->exit_code, 0) << "the child should have aborted";
  std::istringstream facts(slurp(report));
  fs::remove(report);
  int pid = -1;
  std::string workspace, portal;
  facts >> pid >> workspace >> portal;
  ASSERT_GT(pid, 0) << "the child wrote no report; its output:\n" << ran->out << ran->err;
  for (int i = 0; i < 200 && (process_alive(pid) || fs::exists(workspace)); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(process_alive(pid)) << "the crashed child's tgtd " << pid << " still runs";
  EXPECT_FALSE(fs::exists(workspace)) << workspace << " was not removed";
  EXPECT_FALSE(listening(portal));
}

}  // namespace
}  // namespace snapmgr::testing::iscsi
