#include "lvm_fixture.hpp"

#include <fstream>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "host/command_runner.hpp"

namespace snapmgr::testing {
namespace {

LvmFixture* g_fixture = nullptr;

}  // namespace

LvmFixture::LvmFixture(std::unique_ptr<HookFixture> hook)
    : hook_(std::move(hook)), vg_(hook_->setup_values().at("volume_group")) {}

LvmFixture* LvmFixture::instance() { return g_fixture; }

void LvmEnvironment::SetUp() {
  auto hook = HookFixture::start(kLvmHook, "lvm");
  ASSERT_TRUE(hook.ok()) << "lvm fixture set-up failed: " << hook.error().message();
  ASSERT_TRUE((*hook)->setup_values().count("volume_group")) << "hook setup printed no volume_group";
  fixture_ = std::make_unique<LvmFixture>(std::move(*hook));
  g_fixture = fixture_.get();
}

void LvmEnvironment::TearDown() {
  if (!fixture_) return;
  g_fixture = nullptr;
  auto st = fixture_->hook().stop();
  EXPECT_TRUE(st.ok()) << "lvm fixture teardown failed: " << st.error().message();
  fixture_.reset();
}

std::string LvmFixture::options(const std::map<std::string, std::string>& overrides) const {
  auto yaml = hook_->options_yaml(kLvmOptionsFile, overrides);
  EXPECT_TRUE(yaml.ok()) << yaml.error().message();
  return yaml.ok() ? *yaml : "{}";
}

std::unique_ptr<TestDriver> LvmFixture::load_driver(const std::map<std::string, std::string>& overrides) const {
  auto r = load_test_driver(kLvmPlugin, options(overrides));
  EXPECT_TRUE(r.driver) << r.error;
  return std::move(r.driver);
}

CommandOutput LvmFixture::lvm(const std::vector<std::string>& args) const {
  core::ProcessCommandRunner runner;
  Command command;
  command.argv = {"lvm"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = {{"LVM_SYSTEM_DIR", system_dir()}, {"LVM_SUPPRESS_FD_WARNINGS", "1"}, {"LC_ALL", "C"}};
  command.timeout = std::chrono::seconds(60);
  auto out = runner.run(command);
  EXPECT_TRUE(out.ok()) << out.error().message();
  return out.ok() ? *out : CommandOutput{-1, "", out.error().message()};
}

std::map<std::string, LvFacts> LvmFixture::lvs() const {
  auto out = lvm({"lvs", "-a", "--reportformat", "json", "--units", "b", "--nosuffix", "-o",
                  "lv_name,lv_size,lv_attr,origin,lv_uuid,pool_lv,lv_tags", vg_});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  std::map<std::string, LvFacts> lvs;
  try {
    auto doc = boost::json::parse(out.out);
    for (const auto& part : doc.at("report").as_array()) {
      for (const auto& row : part.at("lv").as_array()) {
        auto field = [&](const char* key) { return std::string(row.at(key).as_string()); };
        lvs[field("lv_name")] = LvFacts{std::stoull(field("lv_size")),
                                        field("lv_attr"),
                                        field("origin"),
                                        field("lv_uuid"),
                                        field("pool_lv"),
                                        field("lv_tags")};
      }
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot read lvs output (" << e.what() << "): " << out.out;
  }
  return lvs;
}

void LvmFixture::craft(const std::vector<std::string>& operations) const {
  const std::string before = dir() + "/craft-in.vg", after = dir() + "/craft-out.vg";
  auto backup = lvm({"vgcfgbackup", "-f", before, vg_});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  core::ProcessCommandRunner runner;
  Command edit;
  edit.argv = {"python3", std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/lvm/lvm_metadata.py", before, after};
  edit.argv.insert(edit.argv.end(), operations.begin(), operations.end());
  auto edited = runner.run(edit);
  ASSERT_TRUE(edited.ok()) << edited.error().message();
  ASSERT_EQ(edited->exit_code, 0) << edited->err;
  auto restore = lvm({"vgcfgrestore", "--force", "-f", after, vg_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
}

std::vector<std::string> LvmFixture::counted_calls() const {
  std::vector<std::string> calls;
  std::ifstream in(dir() + "/lvm-calls.log");
  for (std::string line; std::getline(in, line);) calls.push_back(line);
  return calls;
}

void LvmFixture::clear_counted_calls() const { std::ofstream(dir() + "/lvm-calls.log", std::ios::trunc); }

void LvmTest::SetUp() {
  fixture_ = LvmFixture::instance();
  ASSERT_NE(fixture_, nullptr) << "the lvm fixture was not set up";
  auto st = fixture_->hook().reset();
  ASSERT_TRUE(st.ok()) << st.error().message();
}

}  // namespace snapmgr::testing
