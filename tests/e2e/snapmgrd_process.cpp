#include "snapmgrd_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace snapmgr::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string SnapmgrdProcess::prepare(const std::string& name, const std::string& config_yaml, const Files& files,
                                     std::string& dir) {
  dir = "/tmp/snapmgr-e2e-" + std::to_string(getpid()) + "-" + name;
  fs::remove_all(dir);
  fs::create_directories(dir + "/state");
  std::string config = config_yaml;
  replace_all(config, "{state_dir}", dir + "/state");
  replace_all(config, "{fake_plugins}", SNAPMGR_PLUGIN_DIR);
  replace_all(config, "{test_plugins}", SNAPMGR_E2E_PLUGIN_DIR);
  replace_all(config, "{dir}", dir);
  const std::string config_path = dir + "/snapmgr.yaml";
  std::ofstream(config_path) << config;
  for (const auto& [file, text] : files) std::ofstream(dir + "/" + file) << text;
  return config_path;
}

pid_t SnapmgrdProcess::spawn(const std::string& config_path, const std::string& log_path) {
  const std::string binary = std::string(SNAPMGR_BINARY_DIR) + "/snapmgrd";
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // Child: die with the test process; stderr/stdout to the log file.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execl(binary.c_str(), binary.c_str(), "-c", config_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int SnapmgrdProcess::wait_exit(pid_t pid, std::chrono::milliseconds timeout, bool& exited) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      exited = true;
      return status_code(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      exited = false;
      return -1;
    }
    std::this_thread::sleep_for(20ms);
  }
}

std::unique_ptr<SnapmgrdProcess> SnapmgrdProcess::start(const std::string& name, const std::string& config_yaml,
                                                        const Files& files) {
  std::unique_ptr<SnapmgrdProcess> p(new SnapmgrdProcess());
  const std::string config_path = prepare(name, config_yaml, files, p->dir_);
  if (!p->launch(config_path)) return nullptr;
  return p;
}

bool SnapmgrdProcess::restart(const std::string& config_yaml) {
  int code = stop();
  EXPECT_EQ(code, 0) << "snapmgrd did not exit cleanly before the restart:\n" << log();
  std::string config = config_yaml;
  replace_all(config, "{state_dir}", dir_ + "/state");
  replace_all(config, "{fake_plugins}", SNAPMGR_PLUGIN_DIR);
  replace_all(config, "{test_plugins}", SNAPMGR_E2E_PLUGIN_DIR);
  replace_all(config, "{dir}", dir_);
  const std::string config_path = dir_ + "/snapmgr.yaml";
  std::ofstream(config_path, std::ios::trunc) << config;
  return launch(config_path);
}

bool SnapmgrdProcess::launch(const std::string& config_path) {
  const std::string log_path = dir_ + "/snapmgrd" + (launches_ ? "." + std::to_string(launches_) : "") + ".log";
  ++launches_;
  log_path_ = log_path;
  pid_ = spawn(config_path, log_path);
  if (pid_ < 0) {
    ADD_FAILURE() << "fork failed";
    return false;
  }
  running_ = true;
  const std::string port_file = dir_ + "/state/snapmgrd.port";
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<std::uint16_t>(port);
      return true;
    }
    bool exited = false;
    int code = wait_exit(pid_, 50ms, exited);
    if (exited) {
      running_ = false;
      ADD_FAILURE() << "snapmgrd exited with " << code << " during start-up:\n" << log();
      return false;
    }
  }
  ADD_FAILURE() << "snapmgrd did not write " << port_file << " within 60 s:\n" << log();
  return false;
}

std::pair<int, std::string> SnapmgrdProcess::run_expecting_failure(const std::string& name,
                                                                   const std::string& config_yaml, const Files& files) {
  std::string dir;
  const std::string config_path = prepare(name, config_yaml, files, dir);
  pid_t pid = spawn(config_path, dir + "/snapmgrd.log");
  bool exited = false;
  int code = wait_exit(pid, 60s, exited);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    code = -1;
  }
  std::string log = read_file(dir + "/snapmgrd.log");
  fs::remove_all(dir);
  return {code, log};
}

int SnapmgrdProcess::stop(std::chrono::seconds grace) {
  if (!running_) return -1;
  kill(pid_, SIGTERM);
  return wait(grace);
}

int SnapmgrdProcess::wait(std::chrono::seconds grace) {
  if (!running_) return -1;
  running_ = false;
  bool exited = false;
  int code = wait_exit(pid_, grace, exited);
  if (!exited) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    ADD_FAILURE() << "snapmgrd did not exit within " << grace.count() << " s; killed";
    code = status_code(status);
  }
  return code;
}

std::string SnapmgrdProcess::log() const { return read_file(log_path_); }

SnapmgrdProcess::~SnapmgrdProcess() {
  if (running_) stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace snapmgr::e2e
