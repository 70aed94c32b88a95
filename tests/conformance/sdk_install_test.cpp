// The vendor's path, end to end: `cmake --install` this build tree's SDK into a fresh prefix,
// build the example driver (plugin-sdk/examples, copied out of the source tree) against that
// prefix only, run the installed snapmgr-conformance on it with its fixture hook, run the
// example's own checks linked against the installed kit library, load the unchanged driver with
// this tree's snapmgrd --check-config, and build it once more with pkg-config instead of CMake.
// Everything runs as real processes (cmake, the compiler, nm, pkg-config, the kit, snapmgrd).
// One ctest test (WHOLE): the steps share one install and one build.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kit_process.hpp"

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kCMake = SNAPMGR_CMAKE_COMMAND;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class SdkInstall : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("snapmgr-sdk-install-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::copy(SNAPMGR_EXAMPLE_DIR, src(), fs::copy_options::recursive);
    install_ =
        run_program({kCMake, "--install", SNAPMGR_BINARY_DIR, "--prefix", prefix().string(), "--component", "sdk"});
    if (install_.exit_code != 0) return;
    configure_ =
        run_program({kCMake, "-S", src().string(), "-B", build().string(), "-DCMAKE_PREFIX_PATH=" + prefix().string(),
                     "-DCMAKE_BUILD_TYPE=" SNAPMGR_BUILD_TYPE, "-DCMAKE_CXX_COMPILER=" SNAPMGR_CXX_COMPILER,
                     "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                     "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"});
    if (configure_.exit_code != 0) return;
    build_ = run_program({kCMake, "--build", build().string(), "-j2"}, {}, std::chrono::minutes(15));
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static fs::path prefix() { return root_ / "prefix"; }
  static fs::path src() { return root_ / "src"; }
  static fs::path build() { return root_ / "build"; }
  static std::string driver() { return (build() / "libsnapmgr_imagedir.so").string(); }

  // The example's conformance run: its options file and fixture hook.
  static std::vector<std::string> kit_arguments(const std::string& program) {
    return {program,
            "--driver",
            driver(),
            "--options",
            (src() / "conformance/options.yaml").string(),
            "--fixture-hook",
            (src() / "conformance/hook").string()};
  }

  void SetUp() override { ASSERT_EQ(install_.exit_code, 0) << install_.output; }
  void expect_built() {
    ASSERT_EQ(configure_.exit_code, 0) << configure_.output;
    ASSERT_EQ(build_.exit_code, 0) << build_.output;
  }

  static inline fs::path root_;
  static inline KitRun install_, configure_, build_;
};

TEST_F(SdkInstall, InstallsTheHeadersThePackageAndTheKit) {
  for (const auto& header : fs::directory_iterator(fs::path(SNAPMGR_SOURCE_DIR) / "plugin-sdk/include/snapmgr")) {
    EXPECT_TRUE(fs::exists(prefix() / "include/snapmgr" / header.path().filename())) << header.path().filename();
  }
  for (const char* file :
       {"include/snapmgr/conformance/check.hpp", "include/snapmgr/conformance/kit.hpp",
        "include/snapmgr/conformance/runner.hpp", "include/snapmgr/conformance/boundary_guard.hpp",
        "lib/cmake/SnapmgrSDK/SnapmgrSDKConfig.cmake", "lib/cmake/SnapmgrSDK/SnapmgrSDKConfigVersion.cmake",
        "lib/cmake/SnapmgrSDK/SnapmgrSDKTargets.cmake", "lib/cmake/SnapmgrSDK/SnapmgrSDKConformanceTargets.cmake",
        "lib/cmake/SnapmgrSDK/SnapmgrDriver.cmake", "lib/pkgconfig/snapmgr-sdk.pc", "lib/libsnapmgr_conformance.a",
        "bin/snapmgr-conformance"}) {
    EXPECT_TRUE(fs::exists(prefix() / file)) << file << " is not installed";
  }
  // Nothing of the host's own headers leaks into the SDK.
  EXPECT_FALSE(fs::exists(prefix() / "include/core"));
}

TEST_F(SdkInstall, TheExampleBuildsAgainstThePrefixOnly) {
  expect_built();
  EXPECT_THAT(read(build() / "CMakeCache.txt"),
              HasSubstr("SnapmgrSDK_DIR:PATH=" + (prefix() / "lib/cmake/SnapmgrSDK").string()));
  const std::string commands = read(build() / "compile_commands.json");
  EXPECT_THAT(commands, Not(HasSubstr(SNAPMGR_SOURCE_DIR)));
  EXPECT_THAT(commands, Not(HasSubstr(SNAPMGR_BINARY_DIR)));
  EXPECT_THAT(commands, HasSubstr("-isystem " + (prefix() / "include").string()));
  EXPECT_THAT(commands, HasSubstr("-std=c++20"));
  EXPECT_TRUE(fs::exists(driver()));
}

TEST_F(SdkInstall, TheDriverHelperExportsOnlyTheEntryPoint) {
  expect_built();
  auto symbols = run_program({"nm", "-D", "--defined-only", "-C", driver()});
  ASSERT_EQ(symbols.exit_code, 0) << symbols.output;
  EXPECT_THAT(symbols.output, HasSubstr("snapmgr_driver_descriptor_v1"));
  // Hidden visibility: none of the driver's or the SDK's own symbols is exported.
  EXPECT_THAT(symbols.output, Not(HasSubstr("imagedir::")));
  EXPECT_THAT(symbols.output, Not(HasSubstr("snapmgr::")));
}

TEST_F(SdkInstall, TheDriverHelperRefusesUndefinedSymbols) {
  const auto dir = root_ / "undefined";
  fs::create_directories(dir);
  std::ofstream(dir / "CMakeLists.txt") << "cmake_minimum_required(VERSION 3.20)\nproject(undefined CXX)\n"
                                           "find_package(SnapmgrSDK CONFIG REQUIRED)\n"
                                           "snapmgr_add_driver(undefined SOURCES driver.cpp)\n";
  std::ofstream(dir / "driver.cpp")
      << "int backend_client_call();\n"
         "__attribute__((visibility(\"default\"))) int use() { return backend_client_call(); }\n";
  auto configure =
      run_program({kCMake, "-S", dir.string(), "-B", (dir / "build").string(),
                   "-DCMAKE_PREFIX_PATH=" + prefix().string(), "-DCMAKE_CXX_COMPILER=" SNAPMGR_CXX_COMPILER});
  ASSERT_EQ(configure.exit_code, 0) << configure.output;
  auto build = run_program({kCMake, "--build", (dir / "build").string()});
  EXPECT_NE(build.exit_code, 0) << build.output;
  EXPECT_THAT(build.output, HasSubstr("undefined reference to `backend_client_call()'"));
}

TEST_F(SdkInstall, TheInstalledKitPassesTheExample) {
  expect_built();
  auto run = run_program(kit_arguments((prefix() / "bin/snapmgr-conformance").string()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("driver 'imagedir' 1.0.0 (Example Storage Inc.)"));
  EXPECT_THAT(run.output, HasSubstr("[  PASSED  ] 44 tests."));
  EXPECT_THAT(run.output, Not(HasSubstr("FAILED")));
}

TEST_F(SdkInstall, VendorChecksLinkAgainstTheInstalledKit) {
  expect_built();
  auto run = run_program(kit_arguments((build() / "imagedir-conformance").string()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("[       OK ] ImageDir.AdoptedSnapshotsStayNextToTheirVolume"));
  EXPECT_THAT(run.output, HasSubstr("[  PASSED  ] 45 tests."));
}

TEST_F(SdkInstall, SnapmgrdLoadsTheExampleUnchanged) {
  expect_built();
  const auto images = root_ / "images";
  fs::create_directories(images);
  std::ofstream(images / "vol-a").put('x');
  std::ofstream(images / "vol-a@monday").put('x');
  const auto config = root_ / "snapmgr.yaml";
  std::ofstream(config) << "host: sdk-test\nlisten: 127.0.0.1:0\nstate_dir: " << (root_ / "state").string()
                        << "\nplugin_path: [" << build().string() << "]\nbackends:\n"
                        << "  - name: images\n    driver: imagedir\n    options: {root: " << images.string() << "}\n";
  auto run = run_program({SNAPMGR_SNAPMGRD, "--check-config", config.string()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("sdk-test@images: driver imagedir 1.0.0 (snapshot-discovery, snapshot-adoption, "
                                    "volume-discovery), up"));
  EXPECT_THAT(run.output, HasSubstr(config.string() + ": OK"));
}

TEST_F(SdkInstall, PkgConfigBuildsTheDriverToo) {
  const std::vector<std::pair<std::string, std::string>> env{
      {"PKG_CONFIG_PATH", (prefix() / "lib/pkgconfig").string()}};
  auto cflags = run_program({"pkg-config", "--cflags", "snapmgr-sdk"}, env);
  auto libs = run_program({"pkg-config", "--libs", "snapmgr-sdk"}, env);
  ASSERT_EQ(cflags.exit_code, 0) << cflags.output;
  ASSERT_EQ(libs.exit_code, 0) << libs.output;
  EXPECT_THAT(cflags.output, HasSubstr("-std=c++20"));
  EXPECT_THAT(cflags.output, HasSubstr("-fvisibility=hidden"));
  EXPECT_THAT(libs.output, HasSubstr("-Wl,--no-undefined"));

  const auto out_dir = root_ / "pkg-config-build";
  fs::create_directories(out_dir);
  std::vector<std::string> compile{SNAPMGR_CXX_COMPILER};
  for (auto& w : words(cflags.output)) compile.push_back(w);
  compile.insert(compile.end(),
                 {"-Wall", "-Wextra", "-Wpedantic", "-Werror", "-shared", "-o",
                  (out_dir / "libsnapmgr_imagedir.so").string(), (src() / "imagedir_driver.cpp").string()});
  for (auto& w : words(libs.output)) compile.push_back(w);
  auto built = run_program(compile);
  ASSERT_EQ(built.exit_code, 0) << built.output;

  auto listed = run_program({SNAPMGR_SNAPMGRD, "--list-drivers", "--plugin-path", out_dir.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_THAT(listed.output, HasSubstr("| imagedir | 1.0.0 | Example Storage Inc. | snapshot-discovery, "
                                       "snapshot-adoption, volume-discovery |"));
}

}  // namespace
}  // namespace snapmgr::testing
