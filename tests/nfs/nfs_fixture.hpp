// The nfs suite's fixture: one NFS-Ganesha per test process, driven through the same hook the
// conformance kit uses (tests/fixtures/nfs/hook), and helpers to look at the exported directory
// from the outside.
//
// The workspace is /tmp/snapmgr-nfs-<pid>/ (`fixture/` is SNAPMGR_FIXTURE_DIR, `scratch/` holds
// files that must stay outside every share). The hook's teardown runs when the process ends
// normally; if it crashes, the watchdog the hook starts (SNAPMGR_FIXTURE_OWNER_PID) tears down.
// Every test starts from `hook reset`, so tests may change the exported directory at will.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/driver_harness.hpp"

namespace snapmgr::nfs_test {

// The hook's inventory (see its header).
inline const std::string kVolumeA = "volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11";
inline const std::string kSnapIdA1 = "0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21";
inline const std::string kSnapIdA2 = "0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c22";
inline const std::string kSnapA1 = kVolumeA + "." + kSnapIdA1;
inline const std::string kSnapA2 = kVolumeA + "." + kSnapIdA2;  // the active image
inline const std::string kVolumeB = "volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31";
inline const std::string kNightlyB = "nightly-2026-11-26.qcow2";
inline const std::string kVolumeC = "volume-c0c0c0c0-1111-4222-8333-444455556666";  // on /readonly
inline const std::string kSnapC1 = kVolumeC + ".c1c1c1c1-1111-4222-8333-444455556666";
inline constexpr std::uint64_t kMiB = 1024 * 1024;

class NfsFixture {
 public:
  // The process's fixture, set up by the global test environment.
  static NfsFixture& get();

  const std::string& workspace() const { return fixture_dir_; }
  std::string export_dir() const { return fixture_dir_ + "/export"; }
  const std::string& scratch_dir() const { return scratch_dir_; }
  int port() const { return port_; }
  pid_t ganesha_pid() const;

  // The driver options for the Ganesha export: conformance-options.yaml with the values
  // `hook setup` printed, as a YAML flow map.
  const std::string& ganesha_options() const { return ganesha_options_; }
  // Runs `hook reset`; a failure fails the current test.
  void reset() const;

  void set_up();
  void tear_down();

 private:
  std::string run_hook(const std::string& command) const;

  std::string base_dir_, fixture_dir_, scratch_dir_;
  std::string ganesha_options_;
  int port_ = 0;
  bool set_up_ = false;
};

enum class ShareKind { Ganesha, Local };
std::string to_string(ShareKind kind);

// Options for the export seen as `kind`, with `extra` (a YAML flow map) merged over them.
std::string options_for(ShareKind kind, const std::string& extra = "{}");
// Merges flow maps `over` onto `base` (keys of `over` win).
std::string merge_options(const std::string& base, const std::string& over);

std::unique_ptr<testing::TestDriver> load_driver(const std::string& options_yaml);

// The file facts a test compares before and after: name → "size/mode/mtime/content hash".
std::map<std::string, std::string> fingerprint(const std::string& directory);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
// Runs a program to completion through the host's command runner; fails the test otherwise.
void run(const std::vector<std::string>& argv);

// Base of the tests that run against both share kinds: resets the export, loads a driver.
class NfsShareTest : public ::testing::TestWithParam<ShareKind> {
 protected:
  void SetUp() override;
  NfsFixture& fixture() { return NfsFixture::get(); }
  snapmgr::Driver& driver() { return **driver_; }
  // The reference the driver reports for `name` (one share: just source-name).
  static snapmgr::StringMap ref(const std::string& name) { return testing::source_name(name); }

  std::unique_ptr<testing::TestDriver> driver_;
};

struct ShareKindName {
  std::string operator()(const ::testing::TestParamInfo<ShareKind>& info) const { return to_string(info.param); }
};

}  // namespace snapmgr::nfs_test
