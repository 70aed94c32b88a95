#include "fixture_hook.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "host/command_runner.hpp"

namespace snapmgr::conformance {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Real hook scripts run by the host's real command runner.
class FixtureHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("snapmgr-conformance-hook-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "fixture");
  }
  void TearDown() override { fs::remove_all(dir_); }

  FixtureHook hook(const std::string& body, milliseconds timeout = milliseconds(30000)) {
    const auto path = dir_ / "hook";
    std::ofstream(path) << "#!/bin/bash\nset -u\n" << body;
    fs::permissions(path, fs::perms::owner_all);
    return FixtureHook(path.string(), (dir_ / "fixture").string(), runner_, timeout);
  }

  fs::path dir_;
  // Static: a hook call abandoned on its thread may still be using it after the test.
  static inline core::ProcessCommandRunner runner_;
};

TEST_F(FixtureHookTest, SetupReturnsStdoutAndEveryVerbSeesTheFixtureDir) {
  auto h = hook(R"(case "$1" in
  setup) echo "starting" >&2; echo "port: 3260"; echo "dir: $SNAPMGR_FIXTURE_DIR" ;;
  reset|teardown) echo "$1" >> "$SNAPMGR_FIXTURE_DIR/calls" ;;
  *) exit 9 ;;
esac
)");
  auto out = h.setup();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "port: 3260\ndir: " + (dir_ / "fixture").string() + "\n");
  auto reset = h.reset();
  ASSERT_TRUE(reset) << reset.error().message();
  auto teardown = h.teardown();
  ASSERT_TRUE(teardown) << teardown.error().message();
  std::ifstream calls(dir_ / "fixture" / "calls");
  std::string text((std::istreambuf_iterator<char>(calls)), {});
  EXPECT_EQ(text, "reset\nteardown\n");
}

TEST_F(FixtureHookTest, FailureNamesTheVerbTheStatusAndStderr) {
  auto h = hook("echo 'tgtd: cannot bind 127.0.0.1:3260' >&2\nexit 3\n");
  auto st = h.reset();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::BackendError);
  EXPECT_EQ(st.error().message(), "fixture hook '" + (dir_ / "hook").string() +
                                      " reset' exited with status 3: tgtd: cannot bind 127.0.0.1:3260");
}

TEST_F(FixtureHookTest, AHookThatDoesNotFinishIsKilledWithAHint) {
  auto h = hook("sleep 30\n", milliseconds(300));
  auto out = h.setup();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::Timeout);
  EXPECT_NE(out.error().message().find("setup'"), std::string::npos) << out.error().message();
  EXPECT_NE(out.error().message().find("must not keep the hook's stdout or stderr open"), std::string::npos)
      << out.error().message();
}

TEST_F(FixtureHookTest, ADaemonHoldingTheHooksOutputDoesNotHangTheCaller) {
  // The hook exits at once, but the "daemon" it leaves behind inherited its stdout.
  auto h = hook("sleep 30 &\necho $! > \"$SNAPMGR_FIXTURE_DIR/daemon.pid\"\n", milliseconds(300));
  auto out = h.setup();
  std::ifstream pid_file(dir_ / "fixture" / "daemon.pid");
  pid_t daemon = 0;
  pid_file >> daemon;
  ASSERT_GT(daemon, 0);
  ::kill(daemon, SIGKILL);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::Timeout);
  EXPECT_NE(out.error().message().find("setup' did not finish within 300 ms"), std::string::npos)
      << out.error().message();
  EXPECT_NE(out.error().message().find("must not keep the hook's stdout or stderr open"), std::string::npos);
}

TEST_F(FixtureHookTest, AMissingHookIsAnError) {
  FixtureHook h((dir_ / "no-such-hook").string(), (dir_ / "fixture").string(), runner_, milliseconds(1000));
  auto st = h.teardown();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("no-such-hook teardown': cannot run"), std::string::npos) << st.error().message();
}

TEST_F(FixtureHookTest, ARelativePathIsMadeAbsolute) {
  FixtureHook h("tests/fixtures/x/hook", "/tmp", runner_, milliseconds(1000));
  EXPECT_EQ(h.path(), (fs::current_path() / "tests/fixtures/x/hook").string());
}

}  // namespace
}  // namespace snapmgr::conformance
