#include "hook_fixture.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "host/command_runner.hpp"

extern char** environ;

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kHookTimeout{120};

// Runs in a subshell that outlives its parent shell (so it is no longer in the test's process
// tree). fd 3 is the read end of the guard pipe: "done" means the test process tore down
// itself; end-of-file without it means the test process died. $1 is the hook.
constexpr const char* kGuardScript = R"(
( trap '' INT TERM HUP
  while read -r line <&3; do
    if [ "$line" = done ]; then exit 0; fi
  done
  echo "fixture guard: test process $PPID ended without teardown; tearing down $SNAPMGR_FIXTURE_DIR" >&2
  "$1" teardown && rm -rf -- "$SNAPMGR_FIXTURE_DIR" ) 3<&3 </dev/null &
)";

std::string trimmed_tail(const std::string& text) {
  constexpr std::size_t kShown = 3000;
  std::string t = text.size() > kShown ? "..." + text.substr(text.size() - kShown) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t.empty() ? "(nothing on stderr)" : t;
}

}  // namespace

HookFixture::HookFixture(std::string hook, std::string dir, Env env)
    : hook_(std::move(hook)), dir_(std::move(dir)), env_(std::move(env)) {}

HookFixture::~HookFixture() { (void)stop(); }

Result<std::unique_ptr<HookFixture>> HookFixture::start(const std::string& hook, const std::string& suite,
                                                        Env extra_env) {
  static std::atomic<int> counter{0};
  const fs::path dir =
      fs::path("/tmp") / ("snapmgr-" + suite + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!fs::create_directories(dir, ec)) {
    return Error::backend("cannot create fixture workspace " + dir.string() + ": " + ec.message());
  }
  std::unique_ptr<HookFixture> fixture(new HookFixture(hook, dir.string(), std::move(extra_env)));
  if (auto st = fixture->start_guard(); !st) {
    (void)fixture->stop();
    return st.error();
  }
  auto out = fixture->run_hook("setup");
  if (!out) {
    auto down = fixture->stop();
    return Error(
        out.error().code(),
        out.error().message() + (down ? "; teardown succeeded" : "; teardown failed too: " + down.error().message()));
  }
  try {
    YAML::Node values = YAML::Load(*out);
    if (values.IsMap()) {
      for (const auto& kv : values) fixture->setup_values_[kv.first.as<std::string>()] = kv.second.as<std::string>();
    } else if (!values.IsNull()) {
      (void)fixture->stop();
      return Error::backend("hook setup printed something other than a YAML map: " + *out);
    }
  } catch (const YAML::Exception& e) {
    (void)fixture->stop();
    return Error::backend("hook setup printed invalid YAML (" + std::string(e.what()) + "): " + *out);
  }
  return fixture;
}

Status HookFixture::start_guard() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::backend(std::string("pipe2: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, fds[0], 3);  // dup2 clears FD_CLOEXEC on fd 3
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "SNAPMGR_FIXTURE_DIR=", 20) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("SNAPMGR_FIXTURE_DIR=" + dir_);
  for (const auto& [k, v] : env_) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", script = kGuardScript, name = "fixture-guard", hook = hook_;
  char* argv[] = {sh.data(), dash_c.data(), script.data(), name.data(), hook.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    return Error::backend(std::string("cannot start the fixture guard: ") + std::strerror(rc));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);  // the outer shell exits at once; the guard subshell lives on
  guard_pipe_ = fds[1];
  return Status::success();
}

Result<std::string> HookFixture::run_hook(const std::string& verb) const {
  core::ProcessCommandRunner runner;
  Command command;
  command.argv = {hook_, verb};
  command.env = {{"SNAPMGR_FIXTURE_DIR", dir_}};
  for (const auto& kv : env_) command.env.push_back(kv);
  command.timeout = kHookTimeout;
  auto out = runner.run(command);
  if (!out) return Error(out.error().code(), "'" + hook_ + " " + verb + "': " + out.error().message());
  if (out->exit_code != 0) {
    return Error::backend("'" + hook_ + " " + verb + "' exited with status " + std::to_string(out->exit_code) + ": " +
                          trimmed_tail(out->err));
  }
  return std::move(out->out);
}

Status HookFixture::reset() {
  auto out = run_hook("reset");
  return out ? Status::success() : Status(out.error());
}

Status HookFixture::stop() {
  if (stopped_) return Status::success();
  stopped_ = true;
  auto out = run_hook("teardown");
  std::error_code ec;
  if (out) fs::remove_all(dir_, ec);
  if (guard_pipe_ >= 0) {
    // Released only when teardown succeeded; otherwise closing the pipe makes the guard try
    // once more right away.
    if (out) (void)!::write(guard_pipe_, "done\n", 5);
    ::close(guard_pipe_);
    guard_pipe_ = -1;
  }
  if (!out) return out.error();
  if (ec) return Error::backend("cannot remove fixture workspace " + dir_ + ": " + ec.message());
  return Status::success();
}

Result<std::string> HookFixture::options_yaml(const std::string& options_file,
                                              const std::map<std::string, std::string>& overrides) const {
  std::ifstream in(options_file);
  if (!in) return Error::backend("cannot read " + options_file);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string placeholder = "${SNAPMGR_FIXTURE_DIR}";
  for (std::size_t at = s.find(placeholder); at != std::string::npos; at = s.find(placeholder, at + dir_.size())) {
    s.replace(at, placeholder.size(), dir_);
  }
  try {
    YAML::Node options = YAML::Load(s);
    if (options.IsNull()) options = YAML::Node(YAML::NodeType::Map);
    if (!options.IsMap()) return Error::backend(options_file + " is not a YAML map");
    for (const auto& [k, v] : setup_values_) options[k] = v;
    for (const auto& [k, v] : overrides) options[k] = v;
    options.SetStyle(YAML::EmitterStyle::Flow);  // one line: it is embedded in a larger document
    YAML::Emitter out;
    out << options;
    return std::string(out.c_str());
  } catch (const YAML::Exception& e) {
    return Error::backend(options_file + ": " + e.what());
  }
}

}  // namespace snapmgr::testing
