// Capabilities.*: each accessor answers exactly what the descriptor declares, every time and on
// every instance. The host's loader looks once, at creation; a driver whose answer changes later
// (lazy initialisation gone wrong, a flag flipped by a failed call) would make snapmgrd answer
// 501 for a capability it advertised, or call through a pointer it was told does not exist.
// Accessors newer than the driver's SDK minor do not exist in its vtable and are not asked
// (host/capability_gate.hpp).
#include <array>

#include "checks/registry.hpp"
#include "host/capability_gate.hpp"

namespace snapmgr::conformance {
namespace {

// How often each accessor is asked, per instance.
constexpr int kAsks = 3;

void* accessor(Driver& d, Capability c) {
  BoundaryScope scope(std::string("Driver::") + to_string(c) + " accessor");
  return core::capability(d, Kit::get().descriptor().header.abi_minor, c);
}

// Runs `expect(instance name, capability, answer of ask n)` on the shared and a new instance.
template <class Expect>
void ask_every_accessor(BuiltinCheck& check, bool declared, Expect expect) {
  std::string error;
  auto second = check.kit().new_driver(&error);
  ASSERT_TRUE(second) << in_check() << "could not create a second instance: " << error;
  const std::array<std::pair<const char*, Driver*>, 2> instances{
      {{"the shared instance", &check.driver()}, {"a second instance", second.get()}}};
  for (auto c : kAllCapabilities) {
    if (!core::has_accessor(c, check.kit().descriptor().header.abi_minor)) continue;
    if (has(check.kit().descriptor().capabilities, c) != declared) continue;
    for (const auto& [name, instance] : instances) {
      void* first = accessor(*instance, c);
      for (int ask = 1; ask <= kAsks; ++ask) expect(name, c, ask, first, accessor(*instance, c));
    }
  }
}

}  // namespace

void register_capability_checks() {
  add_check("Capabilities", "DeclaredOnesAreProvided", CheckKind::ReadOnly, [](BuiltinCheck& check) {
    ask_every_accessor(check, true, [](const char* instance, Capability c, int ask, void* first, void* now) {
      EXPECT_NE(now, nullptr) << in_check() << to_string(c) << " on " << instance << ", ask " << ask
                              << ": declared in the descriptor, so expected a non-null interface, found nullptr";
      EXPECT_EQ(now, first) << in_check() << to_string(c) << " on " << instance << ", ask " << ask
                            << ": expected the same interface pointer every time";
    });
  });

  add_check("Capabilities", "UndeclaredOnesAreAbsent", CheckKind::ReadOnly, [](BuiltinCheck& check) {
    ask_every_accessor(check, false, [](const char* instance, Capability c, int ask, void*, void* now) {
      EXPECT_EQ(now, nullptr) << in_check() << to_string(c) << " on " << instance << ", ask " << ask
                              << ": not declared in the descriptor, so expected nullptr, found an interface";
    });
  });
}

}  // namespace snapmgr::conformance
