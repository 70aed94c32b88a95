#include "host/command_runner.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;

snapmgr::Command cmd(std::vector<std::string> argv, std::chrono::milliseconds timeout = 10s) {
  snapmgr::Command c;
  c.argv = std::move(argv);
  c.timeout = timeout;
  return c;
}

TEST(CommandRunner, CapturesStdoutStderrAndExitCode) {
  ProcessCommandRunner runner;
  auto r = runner.run(cmd({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(CommandRunner, ArgumentsAreNeverInterpretedByAShell) {
  ProcessCommandRunner runner;
  auto r = runner.run(cmd({"echo", "a; touch /tmp/snapmgr-must-not-exist", "$(id)"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "a; touch /tmp/snapmgr-must-not-exist $(id)\n");
  EXPECT_FALSE(std::filesystem::exists("/tmp/snapmgr-must-not-exist"));
}

TEST(CommandRunner, EnvironmentIsAdded) {
  ProcessCommandRunner runner;
  auto c = cmd({"sh", "-c", "echo \"$SNAPMGR_TEST_VAR\""});
  c.env = {{"SNAPMGR_TEST_VAR", "hello"}};
  auto r = runner.run(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "hello\n");
}

TEST(CommandRunner, MissingProgramIsABackendError) {
  ProcessCommandRunner runner;
  auto r = runner.run(cmd({"snapmgr-no-such-program"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), snapmgr::ErrorCode::BackendError);
  EXPECT_NE(r.error().message().find("snapmgr-no-such-program"), std::string::npos);
  auto r2 = runner.run(cmd({"/nonexistent/lvm"}));
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message().find("/nonexistent/lvm"), std::string::npos);
}

TEST(CommandRunner, TimeoutKillsTheProcess) {
  ProcessCommandRunner runner;
  auto start = std::chrono::steady_clock::now();
  auto r = runner.run(cmd({"sleep", "30"}, 300ms));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), snapmgr::ErrorCode::Timeout);
  EXPECT_LT(took, 5s);
}

TEST(CommandRunner, TimeoutAlsoAppliesWhenTheChildClosesItsPipes) {
  ProcessCommandRunner runner;
  auto r = runner.run(cmd({"sh", "-c", "exec >/dev/null 2>&1; sleep 30"}, 300ms));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), snapmgr::ErrorCode::Timeout);
}

TEST(CommandRunner, KilledBySignalReports128PlusSignal) {
  ProcessCommandRunner runner;
  auto r = runner.run(cmd({"sh", "-c", "kill -TERM $$"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 128 + 15);
}

TEST(CommandRunner, ManyConcurrentRunsKeepTheirOwnOutput) {
  ProcessCommandRunner runner;
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto r = runner.run(cmd({"sh", "-c", "echo " + std::to_string(i) + "; exit " + std::to_string(i % 5)}));
      if (r.ok() && r->out == std::to_string(i) + "\n" && r->exit_code == i % 5) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 16);
}

}  // namespace
}  // namespace snapmgr::core
