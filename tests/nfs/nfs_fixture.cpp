#include "nfs_fixture.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "host/command_runner.hpp"

namespace snapmgr::nfs_test {
namespace {

using namespace std::chrono_literals;

const std::string kPlugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_nfs.so";

NfsFixture& instance() {
  static NfsFixture fixture;
  return fixture;
}

class Environment : public ::testing::Environment {
 public:
  void SetUp() override { instance().set_up(); }
  void TearDown() override { instance().tear_down(); }
};

[[maybe_unused]] auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new Environment);

std::string emit_flow(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

}  // namespace

NfsFixture& NfsFixture::get() { return instance(); }

std::string NfsFixture::run_hook(const std::string& command) const {
  core::ProcessCommandRunner runner;
  snapmgr::Command hook{
      {SNAPMGR_NFS_HOOK, command},
      {{"SNAPMGR_FIXTURE_DIR", fixture_dir_}, {"SNAPMGR_FIXTURE_OWNER_PID", std::to_string(::getpid())}},
      60s};
  auto result = runner.run(hook);
  if (!result.ok()) {
    ADD_FAILURE() << "hook " << command << ": " << result.error().message();
    return {};
  }
  if (result->exit_code != 0) {
    ADD_FAILURE() << "hook " << command << " exited " << result->exit_code << ": " << result->err;
    return {};
  }
  return result->out;
}

void NfsFixture::set_up() {
  base_dir_ = "/tmp/snapmgr-nfs-" + std::to_string(::getpid());
  fixture_dir_ = base_dir_ + "/fixture";
  scratch_dir_ = base_dir_ + "/scratch";
  std::filesystem::remove_all(base_dir_);
  std::filesystem::create_directories(fixture_dir_);
  std::filesystem::create_directories(scratch_dir_);
  set_up_ = true;
  const std::string printed = run_hook("setup");
  ASSERT_FALSE(printed.empty()) << "hook setup printed nothing";
  std::string text = read_file(SNAPMGR_NFS_CONFORMANCE_OPTIONS);
  for (std::size_t at; (at = text.find("${SNAPMGR_FIXTURE_DIR}")) != std::string::npos;) {
    text.replace(at, std::string("${SNAPMGR_FIXTURE_DIR}").size(), fixture_dir_);
  }
  YAML::Node options = YAML::Load(text);
  YAML::Node values = YAML::Load(printed);
  ASSERT_TRUE(values.IsMap()) << "hook setup printed: " << printed;
  for (const auto& item : values) options[item.first.as<std::string>()] = item.second;
  port_ = options["nfs_port"].as<int>();
  ganesha_options_ = emit_flow(options);
}

void NfsFixture::tear_down() {
  if (!set_up_) return;
  run_hook("teardown");
  std::error_code ignored;
  std::filesystem::remove_all(base_dir_, ignored);
  set_up_ = false;
}

void NfsFixture::reset() const { run_hook("reset"); }

pid_t NfsFixture::ganesha_pid() const {
  return static_cast<pid_t>(std::stol(read_file(fixture_dir_ + "/ganesha.bgpid")));
}

std::string to_string(ShareKind kind) { return kind == ShareKind::Ganesha ? "Ganesha" : "LocalDirectory"; }

std::string merge_options(const std::string& base, const std::string& over) {
  YAML::Node merged = YAML::Load(base);
  for (const auto& item : YAML::Load(over)) merged[item.first.as<std::string>()] = item.second;
  return emit_flow(merged);
}

std::string options_for(ShareKind kind, const std::string& extra) {
  const NfsFixture& f = NfsFixture::get();
  const std::string base = kind == ShareKind::Ganesha ? f.ganesha_options() : "{shares: [\"" + f.export_dir() + "\"]}";
  return merge_options(base, extra);
}

std::unique_ptr<testing::TestDriver> load_driver(const std::string& options_yaml) {
  auto loaded = testing::load_test_driver(kPlugin, options_yaml, NfsFixture::get().scratch_dir());
  EXPECT_TRUE(loaded.driver) << loaded.error << "\noptions: " << options_yaml;
  return std::move(loaded.driver);
}

std::map<std::string, std::string> fingerprint(const std::string& directory) {
  std::map<std::string, std::string> facts;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    struct stat st {};
    const std::string path = entry.path().string();
    ::lstat(path.c_str(), &st);
    const std::string content = entry.is_regular_file() ? read_file(path) : std::string();
    facts[entry.path().filename().string()] =
        std::to_string(st.st_size) + "/" + std::to_string(st.st_mode) + "/" + std::to_string(st.st_mtim.tv_sec) + "." +
        std::to_string(st.st_mtim.tv_nsec) + "/" + std::to_string(std::hash<std::string>{}(content));
  }
  return facts;
}

// One bulk copy inside libstdc++: a character-by-character iterator loop is slow in this file,
// which is compiled at -O0 (SNAPMGR_TEST_OPTIMIZE), and the images read here are large.
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void run(const std::vector<std::string>& argv) {
  core::ProcessCommandRunner runner;
  auto result = runner.run(snapmgr::Command{argv, {}, 60s});
  ASSERT_TRUE(result.ok()) << argv.front() << ": " << result.error().message();
  ASSERT_EQ(result->exit_code, 0) << argv.front() << " " << (argv.size() > 1 ? argv[1] : "") << ": " << result->err;
}

void NfsShareTest::SetUp() {
  fixture().reset();
  driver_ = load_driver(options_for(GetParam()));
  ASSERT_TRUE(driver_);
}

}  // namespace snapmgr::nfs_test
