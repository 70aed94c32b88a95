// The iscsi suite's backend: one private tgtd per test process, started and stopped through
// tests/fixtures/iscsi/hook (the same hook the conformance kit calls), in a workspace
// /tmp/snapmgr-iscsi-<pid>.
//
// Set-up happens once, in a GoogleTest global environment, before any test runs; tear-down in
// the environment's TearDown. So that tgtd is stopped even when the process dies without
// reaching TearDown (a crash, an ASan abort, SIGKILL from a ctest timeout), a *guardian* is
// started first: a bash process in its own session holding the read end of a pipe whose write end
// only this process holds. When this process ends — however it ends — the guardian reads EOF,
// runs `hook teardown` and removes the workspace. After a normal TearDown that second teardown
// finds nothing left to do.
//
// The driver's log lines (everything the host logger writes) are captured for the whole process
// and can be read with `captured_log()`.
//
// Thread-safety: the fixture is set up before tests run and is used from the test thread only.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "snapmgr/services.hpp"

namespace snapmgr::testing::iscsi {

inline constexpr const char* kPrefix = "iqn.2026-11.io.snapmgr:";
inline constexpr const char* kChapUser = "snapmgr-fixture";
inline constexpr const char* kChapPassword = "fixture-chap-secret-42";  // as in the hook
inline constexpr const char* kSnapshotPattern = R"(iqn\.2026-11\.io\.snapmgr:snap-(?<origin>.+)-[0-9]+)";
inline constexpr const char* kVolumePattern = R"(iqn\.2026-11\.io\.snapmgr:(?P<name>vol-.+))";

// The hook's path, and a hook call with SNAPMGR_FIXTURE_DIR=`workspace`.
std::string hook_path();
snapmgr::CommandOutput run_hook(const std::string& workspace, const std::string& action);

// The portal a hook set-up printed — `portals: ["127.0.0.1:<port>"]` and an optional newline —
// or "" when it printed anything else.
std::string portal_printed_by_setup(const std::string& out);

class IscsiFixture {
 public:
  static IscsiFixture& get();

  const std::string& workspace() const { return workspace_; }
  const std::string& portal() const { return portal_; }  // "127.0.0.1:<port>"
  int control_socket() const;                            // tgtd -C
  int tgtd_pid() const;

  // Returns the backend to its state right after setup (hook reset); fails the test otherwise.
  void reset();
  // tgtadm --lld iscsi <args> on the fixture's tgtd; fails the test when it fails.
  void tgtadm(const std::vector<std::string>& args);

  // Driver options (YAML flow map) for this fixture: the test patterns, this portal, CHAP with
  // `chap_password` ("" = no chap), and `extra` keys appended verbatim (", key: value").
  std::string options(const std::string& chap_password = kChapPassword, const std::string& extra = "") const;
  // What the conformance kit loads: conformance-options.yaml with ${SNAPMGR_FIXTURE_DIR}
  // replaced and setup's output merged over it, as one YAML flow map.
  std::string conformance_options() const;

  // Internal: called by the global environment.
  void set_up();
  void tear_down();

 private:
  void start_guardian();
  std::string workspace_;
  std::string portal_;
  int guardian_pipe_ = -1;
};

// Resets the fixture when it goes out of scope: tests that change the backend hold one, so that
// a failing assertion halfway does not leave the next test a changed backend.
struct ResetOnExit {
  ~ResetOnExit() { IscsiFixture::get().reset(); }
};

// "<target>" with the fixture prefix, and "<prefix><target>/<lun>".
std::string iqn(const std::string& target);
std::string lun_name(const std::string& target, int lun);

// Everything logged so far / forget it.
std::string captured_log();
void clear_captured_log();

// Whether `pid` is a live process (not a zombie).
bool process_alive(int pid);

}  // namespace snapmgr::testing::iscsi
