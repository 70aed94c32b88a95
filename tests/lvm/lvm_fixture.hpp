// The lvm suite's backend: one real VG on a loop device made by tests/fixtures/lvm/hook, set up
// once per process by a GoogleTest environment (LvmEnvironment) and reset before every test
// (LvmTest), plus helpers that look at it with real lvm2 — the tests check the driver against
// what lvm2 says, not against what the driver says.
//
// Reuse (e.g. the through-the-catalog tests): link snapmgr_lvm_test_fixture and register the
// environment once in the test binary:
//   ::testing::Environment* const env = ::testing::AddGlobalTestEnvironment(new LvmEnvironment);
// then derive tests from LvmTest and load drivers with fixture().load_driver().
//
// Thread-safety: the fixture is driven from the test thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hook_fixture.hpp"
#include "snapmgr/services.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::testing {

inline const std::string kLvmHook = std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/lvm/hook";
inline const std::string kLvmOptionsFile =
    std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/lvm/conformance-options.yaml";
inline const std::string kLvmPlugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_lvm.so";
// lvm_binary for process counting: logs each call to <workspace>/lvm-calls.log, execs lvm.
inline const std::string kCountingLvm = std::string(SNAPMGR_SOURCE_DIR) + "/tests/lvm/counting-lvm";

// One LV as `lvm lvs -a` reports it.
struct LvFacts {
  std::uint64_t size_bytes = 0;
  std::string attr, origin, uuid, pool, tags;
};

class LvmFixture {
 public:
  explicit LvmFixture(std::unique_ptr<HookFixture> hook);

  // The environment's fixture; null when its set-up failed (then no test runs).
  static LvmFixture* instance();

  HookFixture& hook() { return *hook_; }
  const std::string& dir() const { return hook_->dir(); }
  const std::string& vg() const { return vg_; }
  std::string system_dir() const { return dir() + "/etc-lvm"; }

  // Driver options: conformance-options.yaml, setup's values, then `overrides`.
  std::string options(const std::map<std::string, std::string>& overrides = {}) const;
  std::unique_ptr<TestDriver> load_driver(const std::map<std::string, std::string>& overrides = {}) const;

  // Runs the real `lvm <args>` with this fixture's LVM_SYSTEM_DIR.
  CommandOutput lvm(const std::vector<std::string>& args) const;
  // Every LV of the VG, hidden ones included, by name as lvm2 prints it ("[tpool_tdata]").
  std::map<std::string, LvFacts> lvs() const;
  // Adds LVs with tests/fixtures/lvm/lvm_metadata.py operations (vgcfgbackup → edit →
  // vgcfgrestore --force); `hook reset` takes them away again.
  void craft(const std::vector<std::string>& operations) const;

  // The process-count log of kCountingLvm: one line per lvm2 process, its arguments.
  std::vector<std::string> counted_calls() const;
  void clear_counted_calls() const;

 private:
  std::unique_ptr<HookFixture> hook_;
  std::string vg_;
};

// Sets up the process's LvmFixture before the first test and tears it down after the last.
class LvmEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

 private:
  std::unique_ptr<LvmFixture> fixture_;
};

// Base of the suite's tests: the fixture exists and is reset to the hook's inventory.
class LvmTest : public ::testing::Test {
 protected:
  void SetUp() override;
  LvmFixture& fixture() { return *fixture_; }

 private:
  LvmFixture* fixture_ = nullptr;
};

}  // namespace snapmgr::testing
