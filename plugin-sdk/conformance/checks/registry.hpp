// The built-in checks and how they are registered. GoogleTest normally registers tests from
// static initialisers, which a static library drops unless something references them; the
// kit instead registers its checks at run time, after loading the driver, so that only the
// checks of the capabilities the driver declares exist (no skipped tests), and in an order
// that runs every read-only check before the first destructive one.
//
// Each checks_*.cpp adds one group with `add_check`; `register_builtin_checks` calls them.
// Thread-safety: registration happens once, on the main thread, before RUN_ALL_TESTS.
#pragma once

#include <functional>
#include <source_location>
#include <string>
#include <vector>

#include "snapmgr/conformance/check.hpp"
#include "snapmgr/descriptor.hpp"

namespace snapmgr::conformance {

// A built-in check: the fixture of its kind running `body`.
class BuiltinCheck : public ConformanceTest {
 public:
  BuiltinCheck(CheckKind kind, std::function<void(BuiltinCheck&)> body)
      : ConformanceTest(kind), body_(std::move(body)) {}
  void TestBody() override { body_(*this); }

  using ConformanceTest::driver;
  using ConformanceTest::driver_ptr;
  using ConformanceTest::kit;

 private:
  std::function<void(BuiltinCheck&)> body_;
};

using CheckBody = std::function<void(BuiltinCheck&)>;

void add_check(const std::string& suite, const std::string& name, CheckKind kind, CheckBody body,
               std::source_location where = std::source_location::current());

// Registers every check that applies to `driver`; returns notes on the groups that do not apply
// ("volume checks: the driver does not declare volume-discovery").
std::vector<std::string> register_builtin_checks(const DriverDescriptor& driver);

// The groups, in the order they run (each listing/inspection group only for a driver that
// declares its capability).
void register_descriptor_checks();
void register_capability_checks();
void register_snapshot_listing_checks();
void register_snapshot_inspection_checks(const DriverDescriptor& driver);
void register_volume_listing_checks();
void register_volume_inspection_checks(const DriverDescriptor& driver);
void register_round_trip_checks(const DriverDescriptor& driver);  // destructive

}  // namespace snapmgr::conformance
