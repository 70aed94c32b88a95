// snapmgr conformance kit — writing a check.
//
// Purpose: a check is a GoogleTest test whose fixture is ReadOnlyCheck (it must not change the
// backend) or DestructiveCheck (it may: the backend is reset through the fixture hook first and
// the check gets a fresh driver instance). The built-in checks are written with the same
// fixtures; a vendor adds its own in a program linked with SnapmgrSDK::conformance:
//
//   #include <snapmgr/conformance/check.hpp>
//   #include <snapmgr/conformance/runner.hpp>
//   TEST_F(snapmgr::conformance::ReadOnlyCheck, MyBackendListsThinSnapshots) {
//     snapmgr::conformance::BoundaryScope scope("SnapshotDiscovery::list_snapshots");
//     auto listing = snapmgr::list_snapshots(*driver().snapshot_discovery(), kit().call());
//     ...
//   }
//   int main(int argc, char** argv) { return snapmgr::conformance::run(argc, argv); }
//
// Failure messages name the check, the record and what was expected: use `about()`.
//
// Ownership: the fixture owns its driver instance for the duration of the check.
// Thread-safety: as GoogleTest's; helpers are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

#include "snapmgr/collect.hpp"
#include "snapmgr/conformance/boundary_guard.hpp"
#include "snapmgr/conformance/kit.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::conformance {

enum class CheckKind { ReadOnly, Destructive };

class ConformanceTest : public ::testing::Test {
 protected:
  explicit ConformanceTest(CheckKind kind) : kind_(kind) {}
  void SetUp() override;

  Kit& kit() { return Kit::get(); }
  // The instance this check calls (shared for read-only checks, fresh for destructive ones).
  Driver& driver() { return *driver_; }
  const std::shared_ptr<Driver>& driver_ptr() { return driver_; }
  CheckKind kind() const { return kind_; }

 private:
  CheckKind kind_;
  std::shared_ptr<Driver> driver_;
};

class ReadOnlyCheck : public ConformanceTest {
 protected:
  ReadOnlyCheck() : ConformanceTest(CheckKind::ReadOnly) {}
};

class DestructiveCheck : public ConformanceTest {
 protected:
  DestructiveCheck() : ConformanceTest(CheckKind::Destructive) {}
};

// A reference as JSON ({"source-name":"lvol0"}); long values are shortened and control
// characters escaped, so hostile references print readably.
std::string describe(const StringMap& reference);

// The start of a failure message: "[<check>] <noun> <reference>: ".
std::string about(std::string_view noun, const StringMap& reference);
// "[<check>] " alone, for failures that are not about one record.
std::string in_check();

// Runs `fn` on its own thread and waits at most `bound`. Returns nullopt when it did not finish:
// the thread is then abandoned with everything `fn` captured (capture the driver by shared_ptr
// so it outlives the stuck call).
template <class T>
std::optional<T> run_bounded(std::function<T()> fn, std::chrono::milliseconds bound) {
  auto task = std::make_shared<std::packaged_task<T()>>(std::move(fn));
  auto result = task->get_future();
  std::thread worker([task] { (*task)(); });
  if (result.wait_for(bound) != std::future_status::ready) {
    worker.detach();
    return std::nullopt;
  }
  worker.join();
  return result.get();
}

}  // namespace snapmgr::conformance
