// Runs a fixture hook (docs/writing-a-driver.md, "Fixture hooks"): `<hook> setup|reset|teardown`
// with SNAPMGR_FIXTURE_DIR exported, through the host's CommandRunner (argv only, killed after
// the timeout). Exit status 0 is success; otherwise the error carries the hook's stderr.
// `setup` returns what the hook printed on stdout: a YAML map of options known only at run time.
//
// Ownership: borrows the runner, which must outlive the hook object — and, when a hook's output
// never closed (see run()), the process's use of it: give it a runner that lives until exit.
// Thread-safety: calls may come from any thread but must not overlap (the caller serialises).
#pragma once

#include <chrono>
#include <string>

#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::conformance {

class FixtureHook {
 public:
  // `path` is made absolute, so the hook may be given relative to the working directory.
  FixtureHook(std::string path, std::string fixture_dir, CommandRunner& runner, std::chrono::milliseconds timeout);

  Result<std::string> setup();
  Status reset();
  Status teardown();

  const std::string& path() const { return path_; }

 private:
  Result<std::string> run(const std::string& verb);

  std::string path_;
  std::string fixture_dir_;
  CommandRunner& runner_;
  std::chrono::milliseconds timeout_;
};

}  // namespace snapmgr::conformance
