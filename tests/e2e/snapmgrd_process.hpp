// Test fixture: a real snapmgrd process on a loopback port chosen by the kernel
// (`listen: 127.0.0.1:0`), with its own config, state directory and log under
// /tmp/snapmgr-e2e-<pid>-<name>/. The port comes from `<state_dir>/snapmgrd.port`.
//
// The process is stopped by PID (SIGTERM, then SIGKILL after a grace period) by stop() or the
// destructor, and — through PR_SET_PDEATHSIG — also when the test process dies abruptly. The
// temporary directory is removed by the destructor.
//
// Config placeholders: {state_dir}, {fake_plugins} (build/plugins), {test_plugins} (this
// suite's plugin directory), {dir} (the temporary directory).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace snapmgr::e2e {

class SnapmgrdProcess {
 public:
  using Files = std::vector<std::pair<std::string, std::string>>;

  // Writes the config, starts snapmgrd, waits for the port file (or the process's exit).
  // Fails the calling test (ADD_FAILURE) and returns nullptr when it does not come up.
  // `files` (name → text) are written into the temporary directory first.
  static std::unique_ptr<SnapmgrdProcess> start(const std::string& name, const std::string& config_yaml,
                                                const Files& files = {});
  ~SnapmgrdProcess();
  SnapmgrdProcess(const SnapmgrdProcess&) = delete;
  SnapmgrdProcess& operator=(const SnapmgrdProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return pid_; }

  // Stops the daemon, rewrites its config (same directory and state) and starts it again;
  // false (with a test failure) when it does not come back.
  bool restart(const std::string& config_yaml);

  // SIGTERM and wait; returns the exit status (128+N when killed by signal N).
  int stop(std::chrono::seconds grace = std::chrono::seconds(60));
  // Waits for an exit the test caused itself (no signal sent); like stop() otherwise.
  int wait(std::chrono::seconds grace = std::chrono::seconds(60));
  // Everything the current run of the daemon wrote to stderr so far.
  std::string log() const;

  // Runs snapmgrd on a config that must not start: returns (exit status, stderr).
  static std::pair<int, std::string> run_expecting_failure(const std::string& name, const std::string& config_yaml,
                                                           const Files& files = {});

 private:
  SnapmgrdProcess() = default;
  static std::string prepare(const std::string& name, const std::string& config_yaml, const Files& files,
                             std::string& dir);
  static pid_t spawn(const std::string& config_path, const std::string& log_path);
  bool launch(const std::string& config_path);  // spawn and wait for the port file
  static int wait_exit(pid_t pid, std::chrono::milliseconds timeout, bool& exited);

  std::string dir_;
  int launches_ = 0;
  std::string log_path_;  // the current run's log
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace snapmgr::e2e
