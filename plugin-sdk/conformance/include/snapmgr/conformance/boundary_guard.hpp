// snapmgr conformance kit — calling through the C++ boundary with a throwing guard.
//
// Purpose: driver methods are `noexcept`, so an exception escaping one calls std::terminate —
// in snapmgrd that stops the whole service. The kit cannot catch it either (the noexcept
// boundary is inside the driver's code), so it does the next best thing: every driver call a
// check makes runs inside a BoundaryScope that records, for the calling thread, the check, the
// call and the record it is about. The kit's terminate handler prints them as a failure of that
// check ("an exception escaped SnapshotAdoption::inspect_snapshot for snapshot {...} in check
// SnapshotInspection.EveryListedSnapshotIsAccepted"), with the exception's type and what(), and
// exits with kExitEscapedException.
//
// Ownership: a scope is a stack object; it must be destroyed on the thread that created it.
// Thread-safety: each thread has its own current scope; the handler is process-wide.
#pragma once

#include <string>
#include <string_view>

namespace snapmgr::conformance {

// Exit status of snapmgr-conformance: 0 every check passed; 1 a check failed; 2 the kit could not
// start (usage, plugin, options, fixture hook); 3 an exception escaped a driver method;
// 4 the check process died from a signal (a crash inside the driver).
inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitCannotStart = 2;
inline constexpr int kExitEscapedException = 3;
inline constexpr int kExitCrashed = 4;

class BoundaryScope {
 public:
  // `call` names the method ("SnapshotDiscovery::list_snapshots"), `record` the object it is
  // about ("snapshot {\"source-name\": \"lvol0\"}") or is empty. The check is the GoogleTest
  // test running at construction.
  explicit BoundaryScope(std::string_view call, std::string_view record = {});
  ~BoundaryScope();
  BoundaryScope(const BoundaryScope&) = delete;
  BoundaryScope& operator=(const BoundaryScope&) = delete;

 private:
  std::string text_;
  const BoundaryScope* previous_;
};

// Installs the terminate handler described above (idempotent).
void install_terminate_handler();

// "Suite.Name" of the GoogleTest test running now, or "(no check)".
std::string current_check();

}  // namespace snapmgr::conformance
