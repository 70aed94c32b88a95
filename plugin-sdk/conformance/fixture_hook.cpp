#include "fixture_hook.hpp"

#include <filesystem>
#include <future>
#include <memory>
#include <thread>

namespace snapmgr::conformance {
namespace {

// Enough of stderr to see the cause without flooding the report.
constexpr std::size_t kStderrTail = 4000;

std::string tail(const std::string& text) {
  std::string t = text.size() > kStderrTail ? "..." + text.substr(text.size() - kStderrTail) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t.empty() ? "(nothing on stderr)" : t;
}

}  // namespace

FixtureHook::FixtureHook(std::string path, std::string fixture_dir, CommandRunner& runner,
                         std::chrono::milliseconds timeout)
    : path_(std::filesystem::absolute(path).lexically_normal().string()),
      fixture_dir_(std::move(fixture_dir)),
      runner_(runner),
      timeout_(timeout) {}

Result<std::string> FixtureHook::run(const std::string& verb) {
  Command command;
  command.argv = {path_, verb};
  command.env = {{"SNAPMGR_FIXTURE_DIR", fixture_dir_}};
  command.timeout = timeout_;
  const std::string what = "fixture hook '" + path_ + " " + verb + "'";
  const std::string hint =
      " (a daemon the hook starts must not keep the hook's stdout or stderr open: redirect its output to a file, "
      "or the hook looks unfinished)";
  // The runner reads stdout and stderr to their end. A daemon that inherited them keeps them open
  // after the hook itself exited, and the read never ends; so the wait is bounded here too, and a
  // stuck read is abandoned on its thread (the runner outlives the process's use of it).
  using Outcome = Result<CommandOutput>;
  auto task =
      std::make_shared<std::packaged_task<Outcome()>>([&runner = runner_, command] { return runner.run(command); });
  auto future = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  // The runner's own timeout (it kills the hook) normally answers first.
  if (future.wait_for(timeout_ + std::chrono::seconds(1)) != std::future_status::ready) {
    return Error::timeout(what + " did not finish within " + std::to_string(timeout_.count()) + " ms" + hint);
  }
  Outcome output = future.get();
  if (!output) {
    return Error(output.error().code(),
                 what + ": " + output.error().message() + (output.error().code() == ErrorCode::Timeout ? hint : ""));
  }
  if (output->exit_code != 0) {
    return Error::backend(what + " exited with status " + std::to_string(output->exit_code) + ": " + tail(output->err));
  }
  return std::move(output->out);
}

Result<std::string> FixtureHook::setup() { return run("setup"); }

Status FixtureHook::reset() {
  auto out = run("reset");
  return out ? Status::success() : Status(out.error());
}

Status FixtureHook::teardown() {
  auto out = run("teardown");
  return out ? Status::success() : Status(out.error());
}

}  // namespace snapmgr::conformance
