// Runs the snapmgr-conformance program (the real binary, through the host's real command runner)
// and returns its exit status and everything it printed, for tests that assert on the kit's
// report.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "host/command_runner.hpp"

namespace snapmgr::testing {

struct KitRun {
  int exit_code = -1;
  std::string output;  // stdout, then stderr
};

inline KitRun run_program(std::vector<std::string> argv, std::vector<std::pair<std::string, std::string>> env = {},
                          std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
  core::ProcessCommandRunner runner;
  snapmgr::Command command;
  command.argv = std::move(argv);
  command.env = std::move(env);
  command.timeout = timeout;
  auto out = runner.run(command);
  if (!out) return KitRun{-1, "could not run " + command.argv.at(0) + ": " + out.error().message()};
  return KitRun{out->exit_code, out->out + out->err};
}

}  // namespace snapmgr::testing
