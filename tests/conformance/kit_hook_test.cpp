// The conformance kit drives a fixture hook by the convention (docs/writing-a-driver.md): setup
// once with an empty SNAPMGR_FIXTURE_DIR, its stdout merged over the options, reset before each
// check that changes the backend, teardown at the end — also when setup failed, when a check
// failed, when an exception escaped the driver, and when the driver crashed the check process.
// The hook here is a real script that logs its calls; the driver is broken_driver.cpp.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kit_process.hpp"

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Checks of the broken driver that change the backend (SnapshotRoundTrip, VolumeRoundTrip: 4
// each; SnapshotRelease: 1): one reset each.
constexpr int kDestructiveChecks = 9;

class KitWithHook : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("snapmgr-conformance-hook-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A hook that logs "<verb> <fixture dir>" and whose setup prints `setup_stdout` (or fails).
  std::string write_hook(const std::string& setup_stdout, bool setup_fails = false) {
    const auto hook = dir_ / "hook";
    std::ofstream(hook) << "#!/bin/bash\nset -eu\n"
                        << "echo \"$1 $SNAPMGR_FIXTURE_DIR\" >> \"$HOOK_LOG\"\n"
                        << "case \"$1\" in\n"
                        << "  setup)\n"
                        << "    [ -d \"$SNAPMGR_FIXTURE_DIR\" ] && [ -z \"$(ls -A \"$SNAPMGR_FIXTURE_DIR\")\" ]\n"
                        << "    touch \"$SNAPMGR_FIXTURE_DIR/backend\"\n"
                        << (setup_fails ? "    echo 'no loop device left' >&2; exit 7\n" : "") << "    printf '%s' '"
                        << setup_stdout << "' ;;\n"
                        << "  reset) [ -f \"$SNAPMGR_FIXTURE_DIR/backend\" ] ;;\n"
                        << "  teardown) rm -f \"$SNAPMGR_FIXTURE_DIR/backend\" ;;\n"
                        << "esac\n";
    fs::permissions(hook, fs::perms::owner_all);
    return hook.string();
  }

  KitRun run_kit(const std::string& hook, const std::string& options) {
    std::ofstream(dir_ / "options.yaml") << options;
    return run_program(
        {SNAPMGR_CONFORMANCE_KIT, "--driver", std::string(SNAPMGR_BROKEN_DRIVER_DIR) + "/libsnapmgr_broken.so",
         "--options", (dir_ / "options.yaml").string(), "--fixture-hook", hook},
        {{"HOOK_LOG", log_path()}});
  }

  std::string log_path() const { return (dir_ / "hook.log").string(); }

  // The verbs the hook was called with; all calls must have seen the same fixture directory.
  std::vector<std::string> calls() {
    std::ifstream log(log_path());
    std::vector<std::string> verbs;
    std::set<std::string> dirs;
    for (std::string line; std::getline(log, line);) {
      auto space = line.find(' ');
      verbs.push_back(line.substr(0, space));
      dirs.insert(line.substr(space + 1));
    }
    EXPECT_LE(dirs.size(), 1u) << "the hook saw different SNAPMGR_FIXTURE_DIRs";
    if (!dirs.empty()) {
      EXPECT_FALSE(fs::exists(*dirs.begin())) << "the kit left its fixture directory behind";
    }
    return verbs;
  }

  fs::path dir_;
};

std::vector<std::string> expected_calls(int resets) {
  std::vector<std::string> v{"setup"};
  v.insert(v.end(), static_cast<std::size_t>(resets), "reset");
  v.push_back("teardown");
  return v;
}

TEST_F(KitWithHook, SetsUpResetsBeforeEachDestructiveCheckAndTearsDown) {
  auto run = run_kit(write_hook(""), "breakages: []\n");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(calls(), expected_calls(kDestructiveChecks));
}

TEST_F(KitWithHook, OptionsPrintedBySetupAreMergedOverTheFile) {
  // The file says no breakage; setup's output wins and switches one on.
  auto run = run_kit(write_hook("breakages: [zero_size]"), "breakages: []\n");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("[  FAILED  ] SnapshotListing.SizesArePositive"));
  EXPECT_EQ(calls(), expected_calls(kDestructiveChecks));
}

TEST_F(KitWithHook, TeardownRunsAfterAFailedSetup) {
  auto run = run_kit(write_hook("", /*setup_fails=*/true), "breakages: []\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr(" setup' exited with status 7: no loop device left"));
  EXPECT_EQ(calls(), expected_calls(0));
}

TEST_F(KitWithHook, TeardownRunsAfterAnExceptionEscapedTheDriver) {
  auto run = run_kit(write_hook(""), "breakages: [throw_in_list_volumes]\n");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_THAT(run.output, HasSubstr("[  FAILED  ] SnapshotInspection.VolumeIsNotASnapshot"));
  EXPECT_EQ(calls(), expected_calls(0));
}

TEST_F(KitWithHook, TeardownRunsAfterTheDriverCrashedTheCheckProcess) {
  auto run = run_kit(write_hook(""), "breakages: [abort_in_list_volumes]\n");
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_THAT(run.output, HasSubstr("the check process died from signal 6"));
  EXPECT_EQ(calls(), expected_calls(0));
}

TEST_F(KitWithHook, AFailingResetFailsTheCheckThatNeededIt) {
  // A wrapper around the logging hook that fails every reset.
  const auto hook = dir_ / "failing-reset-hook";
  std::ofstream(hook) << "#!/bin/bash\nif [ \"$1\" = reset ]; then echo 'backend is gone' >&2; exit 5; fi\nexec "
                      << write_hook("") << " \"$@\"\n";
  fs::permissions(hook, fs::perms::owner_all);
  auto run = run_kit(hook.string(), "breakages: []\n");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("[  FAILED  ] SnapshotRoundTrip.EveryListedSnapshotIsAdopted"));
  EXPECT_THAT(run.output, HasSubstr("could not get a driver instance: fixture hook"));
  EXPECT_THAT(run.output, HasSubstr("reset' exited with status 5: backend is gone"));
  EXPECT_EQ(calls(), expected_calls(0));  // the wrapper answered every reset itself
}

}  // namespace
}  // namespace snapmgr::testing
