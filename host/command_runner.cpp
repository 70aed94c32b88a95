#include "host/command_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>

extern char** environ;

namespace snapmgr::core {
namespace bp = boost::process::v2;
namespace asio = boost::asio;

namespace {

std::string describe(const std::vector<std::string>& argv) {
  std::string s;
  for (std::size_t i = 0; i < argv.size() && i < 3; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
  if (argv.size() > 3) s += " ...";
  return s;
}

// A waitpid-style status as an exit code: the code itself, or 128+N after signal N.
int exit_code_of(int native_status) {
  if (WIFEXITED(native_status)) return WEXITSTATUS(native_status);
  if (WIFSIGNALED(native_status)) return 128 + WTERMSIG(native_status);
  return -1;
}

// The host's environment with `extra` added (replacing variables of the same name).
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto& [key, value] : extra) {
      replaced =
          replaced || (entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 && entry[key.size()] == '=');
    }
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

// A descriptor closed when it goes out of scope, unless released.
struct OwnedFd {
  int fd = -1;
  OwnedFd() = default;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
  void reset() {
    if (fd >= 0) ::close(release());
  }
};

// Starts `exe` with `args`, stdin from /dev/null, stdout and stderr into `out` and `err`, no other
// descriptor, and environment `env`. posix_spawn, not fork + exec: glibc runs the child on
// clone(CLONE_VM | CLONE_VFORK) until its exec and allocates nothing there. After a fork in a
// threaded process the child may find the allocator locked by another thread (ASan's spin lock
// is) and hang before its exec — as Boost.Process's launchers do, which allocate in the child
// (asio's notify_fork). Returns the pid, or -1 with `error` set to the errno.
pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::vector<std::string>& env, int out,
            int err, int& error) {
  std::vector<char*> argv{const_cast<char*>(exe.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  if ((error = posix_spawn_file_actions_init(&actions)) != 0) return -1;
  pid_t pid = -1;
  if ((error = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) == 0 &&
      (error = posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO)) == 0 &&
      (error = posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO)) == 0 &&
      (error = posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1)) == 0) {
    error = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    if (error != 0) pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// A pipe whose ends are closed on exec, so that a command started concurrently by another
// thread never holds this one's write end open.
bool make_pipe(OwnedFd& read_end, OwnedFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.fd = fds[0];
  write_end.fd = fds[1];
  return true;
}

}  // namespace

snapmgr::Result<snapmgr::CommandOutput> ProcessCommandRunner::run(const snapmgr::Command& command) noexcept {
  using snapmgr::Error;
  if (command.argv.empty() || command.argv[0].empty()) return Error::backend("empty command line");
  const std::string& program = command.argv[0];
  try {
    bp::filesystem::path exe(program);
    if (program.find('/') == std::string::npos) {
      exe = bp::environment::find_executable(program);
      if (exe.empty()) return Error::backend("cannot run '" + program + "': not found in PATH");
    } else if (::access(program.c_str(), X_OK) != 0) {
      return Error::backend("cannot run '" + program + "': " + std::strerror(errno));
    }

    OwnedFd out_read, out_write, err_read, err_write;
    if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write)) {
      return Error::backend("cannot run '" + program + "': " + std::strerror(errno));
    }
    std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
    int spawn_error = 0;
    const pid_t pid =
        spawn(exe.string(), args, child_environment(command.env), out_write.fd, err_write.fd, spawn_error);
    if (pid < 0) return Error::backend("cannot run '" + program + "': " + std::strerror(spawn_error));
    out_write.reset();  // the child's copies are the only write ends left: end-of-file when it exits
    err_write.reset();

    asio::io_context io;
    bp::process child(io.get_executor(), pid);
    asio::readable_pipe out_pipe(io, out_read.release()), err_pipe(io, err_read.release());
    snapmgr::CommandOutput result;
    bool exited = false;
    bool timed_out = false;
    asio::async_read(out_pipe, asio::dynamic_buffer(result.out), [](auto, auto) {});
    asio::async_read(err_pipe, asio::dynamic_buffer(result.err), [](auto, auto) {});
    asio::steady_timer timer(io, command.timeout);
    child.async_wait([&](boost::system::error_code, int) {
      exited = true;
      timer.cancel();
    });
    timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the child exited in time
      timed_out = true;
      boost::system::error_code ignored;
      child.terminate(ignored);  // SIGKILL and reap
      out_pipe.close(ignored);
      err_pipe.close(ignored);
    });
    io.run();  // until the child exited (or was killed) and both pipes reached end-of-file
    if (timed_out || !exited) {
      return Error::timeout("'" + describe(command.argv) + "' did not finish within " +
                            std::to_string(command.timeout.count()) + " ms and was killed");
    }
    result.exit_code = exit_code_of(child.native_exit_code());
    return result;
  } catch (const std::exception& e) {
    return Error::backend("cannot run '" + program + "': " + e.what());
  } catch (...) {
    return Error::backend("cannot run '" + program + "': unknown error");
  }
}

}  // namespace snapmgr::core
