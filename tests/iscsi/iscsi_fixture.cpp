#include "iscsi_fixture.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <yaml-cpp/yaml.h>

#include "core/logging/logging.hpp"
#include "host/command_runner.hpp"

extern char** environ;

namespace snapmgr::testing::iscsi {
namespace {

std::ostringstream& log_stream() {
  static std::ostringstream stream;
  return stream;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int read_int(const std::string& path) {
  try {
    return std::stoi(read_file(path));
  } catch (const std::exception&) {
    return -1;
  }
}

class IscsiEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override { IscsiFixture::get().set_up(); }
  void TearDown() override { IscsiFixture::get().tear_down(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment = ::testing::AddGlobalTestEnvironment(new IscsiEnvironment);

}  // namespace

std::string hook_path() { return std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/iscsi/hook"; }

std::string portal_printed_by_setup(const std::string& out) {
  const std::string_view prefix = "portals: [\"127.0.0.1:";
  std::string_view text = out;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.substr(0, prefix.size()) != prefix || text.size() < prefix.size() + 3 ||
      text.substr(text.size() - 2) != "\"]")
    return "";
  const std::string_view port = text.substr(prefix.size(), text.size() - prefix.size() - 2);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return "";
  return "127.0.0.1:" + std::string(port);
}

snapmgr::CommandOutput run_hook(const std::string& workspace, const std::string& action) {
  core::ProcessCommandRunner runner;
  snapmgr::Command command;
  command.argv = {hook_path(), action};
  command.env = {{"SNAPMGR_FIXTURE_DIR", workspace}};
  command.timeout = std::chrono::seconds(120);
  auto result = runner.run(command);
  if (!result) return snapmgr::CommandOutput{-1, "", result.error().message()};
  return *result;
}

IscsiFixture& IscsiFixture::get() {
  static IscsiFixture fixture;
  return fixture;
}

int IscsiFixture::control_socket() const { return read_int(workspace_ + "/tgtd.ctl"); }
int IscsiFixture::tgtd_pid() const { return read_int(workspace_ + "/tgtd.pid"); }

void IscsiFixture::start_guardian() {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);  // survives a kill of our group

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back("SNAPMGR_FIXTURE_DIR=" + workspace_);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string script = R"(read -r _; "$0" teardown >/dev/null 2>&1; rm -rf -- "$SNAPMGR_FIXTURE_DIR")";
  std::string bash = "bash", dash_c = "-c", hook = hook_path();
  char* argv[] = {bash.data(), dash_c.data(), script.data(), hook.data(), nullptr};
  pid_t guardian = 0;
  int rc = posix_spawnp(&guardian, "bash", &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[0]);
  ASSERT_EQ(rc, 0) << "cannot start the fixture guardian";
  guardian_pipe_ = fds[1];
}

void IscsiFixture::set_up() {
  snapmgr::core::init_logging({"debug", "text"}, std::make_shared<spdlog::sinks::ostream_sink_mt>(log_stream()));
  workspace_ = "/tmp/snapmgr-iscsi-" + std::to_string(::getpid());
  std::filesystem::remove_all(workspace_);
  std::filesystem::create_directories(workspace_);
  start_guardian();
  auto setup = run_hook(workspace_, "setup");
  ASSERT_EQ(setup.exit_code, 0) << "hook setup failed: " << setup.err;
  portal_ = portal_printed_by_setup(setup.out);
  ASSERT_FALSE(portal_.empty()) << "hook setup printed: " << setup.out;
  // For IscsiFixtureHook.TheGuardianTearsDownAfterTheTestProcessCrashes, which runs this program
  // as a child that must die right after set-up, without any tear-down of its own.
  if (const char* report = std::getenv("SNAPMGR_ISCSI_TEST_CRASH_REPORT")) {
    std::ofstream(report) << tgtd_pid() << " " << workspace_ << " " << portal_ << "\n";
    std::abort();
  }
}

void IscsiFixture::tear_down() {
  const int pid = tgtd_pid();
  auto teardown = run_hook(workspace_, "teardown");
  EXPECT_EQ(teardown.exit_code, 0) << "hook teardown failed: " << teardown.err;
  if (pid > 0) {
    EXPECT_FALSE(process_alive(pid)) << "tgtd " << pid << " survived the teardown";
  }
  if (guardian_pipe_ >= 0) ::close(guardian_pipe_);  // the guardian now removes the workspace
  guardian_pipe_ = -1;
}

void IscsiFixture::reset() {
  auto reset = run_hook(workspace_, "reset");
  ASSERT_EQ(reset.exit_code, 0) << "hook reset failed: " << reset.err;
}

void IscsiFixture::tgtadm(const std::vector<std::string>& args) {
  core::ProcessCommandRunner runner;
  snapmgr::Command command;
  command.argv = {"tgtadm", "-C", std::to_string(control_socket()), "--lld", "iscsi"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok()) << result.error().message();
  ASSERT_EQ(result->exit_code, 0) << "tgtadm failed: " << result->err;
}

std::string IscsiFixture::options(const std::string& chap_password, const std::string& extra) const {
  std::string yaml = "{portals: [\"" + portal_ + "\"], initiator_name: iqn.2026-11.io.snapmgr:test-initiator, " +
                     "snapshot_target_pattern: '" + kSnapshotPattern + "', volume_target_pattern: '" + kVolumePattern +
                     "', command_timeout_s: 10";
  if (!chap_password.empty()) {
    yaml += std::string(", chap: {user: ") + kChapUser + ", password: " + chap_password + "}";
  }
  return yaml + extra + "}";
}

std::string IscsiFixture::conformance_options() const {
  std::string text = read_file(std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/iscsi/conformance-options.yaml");
  for (auto at = text.find("${SNAPMGR_FIXTURE_DIR}"); at != std::string::npos;
       at = text.find("${SNAPMGR_FIXTURE_DIR}")) {
    text.replace(at, 22, workspace_);
  }
  YAML::Node options = YAML::Load(text);
  YAML::Node from_setup = YAML::Load("portals: [\"" + portal_ + "\"]");
  for (const auto& kv : from_setup) options[kv.first.as<std::string>()] = kv.second;
  // A node keeps the block style it was parsed with; the harness wants one flow map.
  std::function<void(YAML::Node)> flow = [&flow](YAML::Node node) {
    if (!node.IsMap() && !node.IsSequence()) return;
    node.SetStyle(YAML::EmitterStyle::Flow);
    for (auto item : node) flow(node.IsMap() ? item.second : item);
  };
  flow(options);
  YAML::Emitter out;
  out << options;
  return out.c_str();
}

std::string iqn(const std::string& target) { return kPrefix + target; }
std::string lun_name(const std::string& target, int lun) { return iqn(target) + "/" + std::to_string(lun); }

std::string captured_log() { return log_stream().str(); }
void clear_captured_log() { log_stream().str(""); }

bool process_alive(int pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(") ");
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace snapmgr::testing::iscsi
