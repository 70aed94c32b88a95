#include "host/command_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
// Boost 1.81's header-only mode leaves process_environment::on_setup undefined (its .ipp is only
// pulled in by src.hpp); this is the one translation unit that uses it.
#include <boost/process/v2/impl/environment.ipp>

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

    asio::io_context io;
    asio::readable_pipe out_pipe(io), err_pipe(io);
    std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
    boost::system::error_code spawn_error;
    // The default launcher closes every descriptor but stdin/stdout/stderr in the child.
    bp::process child(io, exe, args, spawn_error, bp::process_stdio{nullptr, out_pipe, err_pipe},
                      bp::process_environment(child_environment(command.env)));
    if (spawn_error) return Error::backend("cannot run '" + program + "': " + spawn_error.message());

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
