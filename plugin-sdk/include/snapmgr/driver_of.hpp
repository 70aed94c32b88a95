// snapmgr plugin SDK — a driver's capabilities declared once, by the interfaces it inherits.
//
// Purpose: a driver derives from `DriverOf<Self>` and from the capability interfaces it
// implements; every accessor of Driver then answers `this` for an inherited interface and
// nullptr for the others, and `capabilities_of<Self>()` gives the descriptor's bits. Accessors
// and descriptor cannot disagree, and a capability is added or removed by editing one base list:
//
//   class MyDriver final : public snapmgr::DriverOf<MyDriver>,
//                          public snapmgr::SnapshotDiscovery, public snapmgr::SnapshotAdoption {...};
//   ... DriverDescriptor{current_header(), "my", ..., snapmgr::capabilities_of<MyDriver>(), ...}
//
// The accessors are `final`: a driver that must decide at run time does not use this helper
// (and must still answer exactly what its descriptor declares).
//
// Ownership/thread-safety: the accessors return borrowed `this` and touch no state.
#pragma once

#include <cstdint>
#include <type_traits>

#include "snapmgr/capabilities.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr {

// The Capability bits of every capability interface `D` inherits.
template <class D>
constexpr std::uint32_t capabilities_of() noexcept {
  std::uint32_t bits = 0;
#define SNAPMGR_INHERITED_BIT(id, interface, name, accessor, bit, minor) \
  if constexpr (std::is_base_of_v<interface, D>) bits |= static_cast<std::uint32_t>(Capability::id);
  SNAPMGR_CAPABILITIES(SNAPMGR_INHERITED_BIT)
#undef SNAPMGR_INHERITED_BIT
  return bits;
}

template <class Derived>
class DriverOf : public Driver {
 public:
#define SNAPMGR_INHERITED_ACCESSOR(id, interface, name, accessor, bit, minor) \
  interface* accessor() noexcept final {                                      \
    if constexpr (std::is_base_of_v<interface, Derived>) {                    \
      return static_cast<Derived*>(this);                                     \
    } else {                                                                  \
      return nullptr;                                                         \
    }                                                                         \
  }
  SNAPMGR_CAPABILITIES(SNAPMGR_INHERITED_ACCESSOR)
#undef SNAPMGR_INHERITED_ACCESSOR
};

}  // namespace snapmgr
