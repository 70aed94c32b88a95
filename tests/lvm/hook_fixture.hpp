// A real backend for a test process, made by a fixture hook (tests/fixtures/<driver>/hook, the
// fixture hook convention): a fresh workspace, `hook setup` in it, `hook reset` between tests,
// `hook teardown` at the end — also when the test process dies.
//
// Purpose: every suite that needs a real component drives the same hook the conformance kit
// drives, so there is one fixture per backend, not two. Nothing here is LVM-specific; it lives
// in tests/lvm until another suite needs it (then it belongs in tests/support).
//
// Lifecycle: `start` creates /tmp/snapmgr-<suite>-<pid>-<n> (unique, so suites run in parallel),
// runs `hook setup` there (on failure it runs `hook teardown` at once and reports both), then
// starts a guard: a detached shell that waits on a pipe only this process holds. `stop` (or
// the destructor) runs `hook teardown`, removes the workspace and releases the guard. If the
// process ends without `stop` — a crash, abort(), an ASan report, SIGKILL by a ctest timeout —
// the kernel closes the pipe and the guard runs `hook teardown` and removes the workspace
// itself. The guard ignores SIGINT/SIGTERM/SIGHUP and is not a child of the test process, so
// killing the test's process tree does not stop it.
//
// Ownership: owns the workspace and the guard. Thread-safety: not thread-safe; one thread
// drives a fixture (tests may run drivers from other threads meanwhile).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "snapmgr/result.hpp"

namespace snapmgr::testing {

class HookFixture {
 public:
  using Env = std::vector<std::pair<std::string, std::string>>;

  // `hook` is the hook's path; `suite` names the workspace; `extra_env` is added to every hook
  // call (after SNAPMGR_FIXTURE_DIR).
  static Result<std::unique_ptr<HookFixture>> start(const std::string& hook, const std::string& suite,
                                                    Env extra_env = {});
  ~HookFixture();
  HookFixture(const HookFixture&) = delete;
  HookFixture& operator=(const HookFixture&) = delete;

  Status reset();
  // Teardown, workspace removal, guard release. Idempotent.
  Status stop();

  const std::string& dir() const { return dir_; }
  // The YAML map `hook setup` printed, as strings.
  const std::map<std::string, std::string>& setup_values() const { return setup_values_; }

  // The driver's options as a one-line YAML flow map: `options_file` with every
  // ${SNAPMGR_FIXTURE_DIR} replaced, then setup's values, then `overrides` merged over it.
  Result<std::string> options_yaml(const std::string& options_file,
                                   const std::map<std::string, std::string>& overrides = {}) const;

 private:
  HookFixture(std::string hook, std::string dir, Env env);
  Result<std::string> run_hook(const std::string& verb) const;
  Status start_guard();

  std::string hook_;
  std::string dir_;
  Env env_;
  std::map<std::string, std::string> setup_values_;
  int guard_pipe_ = -1;  // write end; closing it without "done" makes the guard tear down
  bool stopped_ = false;
};

}  // namespace snapmgr::testing
