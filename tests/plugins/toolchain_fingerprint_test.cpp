// The build fingerprint is keyed on the standard library, not the compiler: the example driver
// built with clang++-16 against libstdc++ loads in this gcc-built host; built with clang++-16
// against libc++ it is refused, and the refusal names both fingerprints and what differs.
// (tests/plugins/CMakeLists.txt builds both; ctest conformance_imagedir_clang runs the kit on
// the first.)
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "host/plugin_loader.hpp"
#include "snapmgr/version.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core {
namespace {

const std::string kDir = SNAPMGR_CLANG_PLUGIN_DIR;

TEST(ToolchainFingerprint, ClangWithLibstdcxxLoadsInTheGccHost) {
  const std::string path = kDir + "/libstdc++/libsnapmgr_imagedir.so";
  auto load = load_plugin(path);
  ASSERT_TRUE(load.plugin) << load.error;
  EXPECT_STREQ(load.plugin->descriptor->header.fingerprint, "libstdc++/cxx11abi=1/sdk2");
  EXPECT_STREQ(load.plugin->descriptor->header.fingerprint, snapmgr::kBuildFingerprint);

  const auto root = std::filesystem::temp_directory_path() / ("snapmgr-clang-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "vol-a") << "image";
  std::ofstream(root / "vol-a@monday") << "image";
  auto d = testing::load_test_driver(path, "{root: " + root.string() + "}");
  ASSERT_TRUE(d.driver) << d.error;
  auto listed = list_snapshots(*(*d.driver)->snapshot_discovery(), testing::test_call());
  std::filesystem::remove_all(root);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().reference, testing::source_name("vol-a@monday"));
}

TEST(ToolchainFingerprint, ClangWithLibcxxIsRefusedNamingBothLibraries) {
  const std::string path = kDir + "/libc++/libsnapmgr_imagedir.so";
  auto load = load_plugin(path);
  ASSERT_FALSE(load.plugin);
  EXPECT_EQ(load.error, path +
                            ": build fingerprint differs: plugin 'libc++/abi=1/sdk2', host "
                            "'libstdc++/cxx11abi=1/sdk2': built against libc++ (ABI version 1), the host uses "
                            "libstdc++ with the C++11 string ABI (_GLIBCXX_USE_CXX11_ABI=1) (rebuild the plugin "
                            "against the host's standard library and ABI; the compiler may differ)");
}

}  // namespace
}  // namespace snapmgr::core
