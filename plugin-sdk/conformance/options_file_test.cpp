#include "options_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace snapmgr::conformance {
namespace {

namespace fs = std::filesystem;

DriverDescriptor lvm_like() {
  DriverDescriptor d{current_header(), "lvm", "snapmgr", "1.0.0", 0, {}, nullptr};
  d.options = {
      {"volume_group", OptionType::String, true, {}, "the VG"},
      {"lvm_system_dir", OptionType::String, false, {}, "LVM_SYSTEM_DIR"},
      {"command_timeout_s", OptionType::Integer, false, OptionValue(30), "timeout"},
      {"port", OptionType::Integer, false, {}, "a port"},
  };
  return d;
}

class OptionsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("snapmgr-conformance-options-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    const auto path = (dir_ / "options.yaml").string();
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

TEST(FixtureDirSubstitution, ReplacesEveryOccurrence) {
  EXPECT_EQ(
      substitute_fixture_dir("a: ${SNAPMGR_FIXTURE_DIR}/x\nb: ${SNAPMGR_FIXTURE_DIR}${SNAPMGR_FIXTURE_DIR}\n", "/w"),
      "a: /w/x\nb: /w/w\n");
  // A fixture directory that contains the variable's own text is not substituted again.
  EXPECT_EQ(substitute_fixture_dir("${SNAPMGR_FIXTURE_DIR}", "${SNAPMGR_FIXTURE_DIR}"), "${SNAPMGR_FIXTURE_DIR}");
}

TEST_F(OptionsFile, SubstitutesTheFixtureDirAndFillsDefaults) {
  auto path = write("volume_group: vg-${SNAPMGR_FIXTURE_DIR}\nlvm_system_dir: ${SNAPMGR_FIXTURE_DIR}/lvm\n");
  auto load = load_driver_options(path, "/tmp/fx", "", lvm_like());
  ASSERT_TRUE(load.options) << load.error;
  EXPECT_EQ(load.options->find("volume_group")->as_string(), "vg-/tmp/fx");
  EXPECT_EQ(load.options->find("lvm_system_dir")->as_string(), "/tmp/fx/lvm");
  EXPECT_EQ(load.options->find("command_timeout_s")->as_int(), 30);
}

TEST_F(OptionsFile, KeysPrintedByHookSetupWin) {
  auto path = write("volume_group: vg0\nport: 1\n");
  auto load = load_driver_options(path, "/tmp/fx", "port: 3260\ncommand_timeout_s: 5\n", lvm_like());
  ASSERT_TRUE(load.options) << load.error;
  EXPECT_EQ(load.options->find("port")->as_int(), 3260);
  EXPECT_EQ(load.options->find("command_timeout_s")->as_int(), 5);
  EXPECT_EQ(load.options->as_map().size(), 3u);
}

TEST_F(OptionsFile, IsValidatedAsSnapmgrdValidatesABackend) {
  auto path = write("volume_grop: vg0\ncommand_timeout_s: soon\n");
  auto load = load_driver_options(path, "/tmp/fx", "", lvm_like());
  ASSERT_FALSE(load.options);
  EXPECT_NE(load.error.find(path + ":1: options.volume_grop: driver 'lvm' does not accept this option"),
            std::string::npos)
      << load.error;
  EXPECT_NE(load.error.find(path + ":2: options.command_timeout_s: expected an integer, found a string"),
            std::string::npos)
      << load.error;
  EXPECT_NE(load.error.find(path + ": options.volume_group: missing required option of driver 'lvm'"),
            std::string::npos)
      << load.error;
}

TEST_F(OptionsFile, AnErrorInTheSetupOutputIsLocatedThere) {
  auto path = write("volume_group: vg0\n");
  auto load = load_driver_options(path, "/tmp/fx", "# chosen at run time\nport: soon\n", lvm_like());
  ASSERT_FALSE(load.options);
  EXPECT_EQ(load.error, "output of 'hook setup':2: options.port: expected an integer, found a string");
}

TEST_F(OptionsFile, SetupOutputThatIsNotAMapIsRefused) {
  auto path = write("volume_group: vg0\n");
  auto load = load_driver_options(path, "/tmp/fx", "starting tgtd...\n", lvm_like());
  ASSERT_FALSE(load.options);
  EXPECT_NE(load.error.find("output of 'hook setup':1: expected a map of driver options, found a string"),
            std::string::npos)
      << load.error;
}

TEST_F(OptionsFile, EmptyFileIsAnEmptyMap) {
  DriverDescriptor no_required = lvm_like();
  no_required.options.erase(no_required.options.begin());
  auto load = load_driver_options(write(""), "/tmp/fx", "", no_required);
  ASSERT_TRUE(load.options) << load.error;
  EXPECT_TRUE(load.options->is_map());
}

TEST_F(OptionsFile, DuplicateKeysAndBadYamlNameTheLine) {
  auto duplicate = load_driver_options(write("volume_group: a\nport: 1\nvolume_group: b\n"), "/d", "", lvm_like());
  ASSERT_FALSE(duplicate.options);
  EXPECT_NE(duplicate.error.find("options.yaml:3: volume_group: duplicate key"), std::string::npos) << duplicate.error;

  auto bad = load_driver_options(write("volume_group: [a\n"), "/d", "", lvm_like());
  ASSERT_FALSE(bad.options);
  EXPECT_NE(bad.error.find("not valid YAML"), std::string::npos) << bad.error;
}

TEST_F(OptionsFile, MissingFileIsNamed) {
  auto load = load_driver_options((dir_ / "nope.yaml").string(), "/d", "", lvm_like());
  ASSERT_FALSE(load.options);
  EXPECT_EQ(load.error, (dir_ / "nope.yaml").string() + ": cannot read the options file");
}

}  // namespace
}  // namespace snapmgr::conformance
