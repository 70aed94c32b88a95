// snapmgr plugin SDK — what the host lends a driver: logger, command runner, call deadline.
//
// Purpose: a driver never touches global state of the host. It logs through `Logger` (the host
// owns the sink, adds the backend name and request id, and decides the format), runs external
// programs through `CommandRunner` (argv only — never a shell — with a timeout; the host kills
// the process when it expires), and receives a `Call` with every method, whose deadline it must
// respect: pass `call.remaining()` (or less) as the timeout of anything that can block.
//
// Ownership: `Logger` and `CommandRunner` are owned by the host and outlive the driver; the
// driver holds them by reference. A `Call` lives for one method call only.
// Thread-safety: `Logger` and `CommandRunner` may be used from any thread concurrently.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "snapmgr/result.hpp"

namespace snapmgr {

enum class LogLevel { Debug, Info, Warning, Error };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void write(LogLevel level, std::string_view message) noexcept = 0;

  void debug(std::string_view m) noexcept { write(LogLevel::Debug, m); }
  void info(std::string_view m) noexcept { write(LogLevel::Info, m); }
  void warn(std::string_view m) noexcept { write(LogLevel::Warning, m); }
  void error(std::string_view m) noexcept { write(LogLevel::Error, m); }
};

struct Command {
  std::vector<std::string> argv;                         // argv[0] is looked up in PATH
  std::vector<std::pair<std::string, std::string>> env;  // added to the host's environment
  std::chrono::milliseconds timeout{30000};              // the process is killed after this
};

struct CommandOutput {
  int exit_code = 0;  // the process's exit status (128+N when killed by signal N)
  std::string out;    // everything it wrote to stdout
  std::string err;    // everything it wrote to stderr
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs the command to completion. A non-zero exit is *not* an error here (inspect
  // exit_code). Errors: BackendError when the program cannot be started (message names it and
  // the cause), Timeout when it ran past `timeout` and was killed.
  virtual Result<CommandOutput> run(const Command& command) noexcept = 0;
};

// One driver call. `deadline` is when the host stops waiting for the answer.
struct Call {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
  std::string request_id;  // for correlating log lines; may be empty

  std::chrono::milliseconds remaining() const noexcept {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
  }
  bool expired() const noexcept { return Clock::now() >= deadline; }
};

}  // namespace snapmgr
