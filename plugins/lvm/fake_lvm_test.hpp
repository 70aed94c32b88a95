// Test support for the lvm driver's unit tests: the driver through the real loader and the SDK
// boundary, with `lvm_binary` pointing at a shell script that plays lvm2. The script logs its
// argv (calls()) and the lvm-related environment (env.log), then does what the test wrote:
// print a recorded report, fail, or hang. Each test gets its own directory
// /tmp/snapmgr-lvm-unit-<pid>-<n>, removed afterwards.
//
// testdata/lvs-in-use.json is the `lvs` report of the tests/fixtures/lvm inventory, recorded
// on this machine, with the state/open attribute characters edited to what a machine with
// device-mapper prints: snap-a1, thin-snap and vol-b are open (lv_attr[5] == 'o').
//
// Thread-safety: one test thread per fixture.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/driver_harness.hpp"

namespace snapmgr::testing {

namespace fs = std::filesystem;

inline const std::string kPlugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_lvm.so";
inline const std::string kRecorded = std::string(SNAPMGR_LVM_TESTDATA) + "/lvs-in-use.json";
inline const std::string kLvsPrefix =
    "lvs --reportformat json --units b --nosuffix -o "
    "lv_name,lv_size,lv_attr,origin,lv_uuid,pool_lv,lv_tags ";
inline const std::string kId = "4a7d9e3c-1b2f-4c5d-8e9f-0a1b2c3d4e5f";

// Plays lvm2 with the recorded report; `lvrename` succeeds.
inline const std::string kRecordedLvm =
    "case \"$1\" in\n  lvs) cat '" + kRecorded + "' ;;\n  lvrename) exit 0 ;;\nesac\n";

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LvmDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};  // test cases of one process share the pid
    dir_ = fs::path("/tmp") / ("snapmgr-lvm-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "etc-lvm");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Installs `body` as the fake lvm (after a prologue that logs argv and environment).
  void fake_lvm(const std::string& body) {
    const fs::path script = dir_ / "lvm";
    std::ofstream out(script);
    out << "#!/bin/sh\n"
        << "printf '%s\\n' \"$*\" >> '" << (dir_ / "calls.log").string() << "'\n"
        << "printf '%s|%s|%s\\n' \"${LVM_SYSTEM_DIR-unset}\" \"${LC_ALL-unset}\" "
           "\"${LVM_SUPPRESS_FD_WARNINGS-unset}\" >> '"
        << (dir_ / "env.log").string() << "'\n"
        << body;
    out.close();
    fs::permissions(script, fs::perms::owner_all);
  }

  std::string options(const std::string& extra = "") const {
    return "{volume_group: vg0, lvm_binary: " + (dir_ / "lvm").string() +
           ", lvm_system_dir: " + (dir_ / "etc-lvm").string() + (extra.empty() ? "" : ", " + extra) + "}";
  }

  std::unique_ptr<TestDriver> load(const std::string& extra = "") {
    auto r = load_test_driver(kPlugin, options(extra));
    EXPECT_TRUE(r.driver) << r.error;
    return std::move(r.driver);
  }

  std::vector<std::string> calls() const {
    std::vector<std::string> lines;
    std::ifstream in(dir_ / "calls.log");
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
};

// Checks the code and that the message contains every fragment.
template <class T>
void expect_error(const Result<T>& r, ErrorCode code, const std::vector<std::string>& fragments) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), code) << r.error().message();
  for (const auto& f : fragments) EXPECT_NE(r.error().message().find(f), std::string::npos) << r.error().message();
}

}  // namespace snapmgr::testing
