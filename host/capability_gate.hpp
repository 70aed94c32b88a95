// The one place the host asks a driver for a capability. A driver built against SDK 2.<m> has
// the Driver accessors of minor m and older only: its vtable has no slot for an accessor a later
// minor appended, so calling one would jump through whatever follows its vtable. Every host
// caller — the loader's consistency check, core's Backend, the conformance kit — asks through
// `capability()`, which answers nullptr for a capability newer than the driver's
// `header.abi_minor` without calling anything.
//
// Thread-safety: as the driver's accessors (safe from any thread).
#pragma once

#include <cstdint>

#include "snapmgr/capabilities.hpp"
#include "snapmgr/descriptor.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr::core {

// Whether a driver built against SDK minor `abi_minor` has `c`'s accessor.
constexpr bool has_accessor(snapmgr::Capability c, std::uint32_t abi_minor) noexcept {
  return snapmgr::introduced_in(c) <= abi_minor;
}

// Capability `C` of `driver`, built against SDK minor `abi_minor`: the driver's answer, or
// nullptr (not called) when that minor predates `C`.
template <snapmgr::Capability C>
typename snapmgr::CapabilityTraits<C>::Interface* capability(snapmgr::Driver& driver,
                                                             std::uint32_t abi_minor) noexcept {
  if (!has_accessor(C, abi_minor)) return nullptr;
  return (driver.*snapmgr::CapabilityTraits<C>::accessor)();
}

// The same for a capability chosen at run time (loops over kAllCapabilities): whether the
// driver provides it, as the interface pointer (nullptr: it does not, or cannot have it).
void* capability(snapmgr::Driver& driver, std::uint32_t abi_minor, snapmgr::Capability c) noexcept;

// Whether `descriptor` declares `c` and its minor has it (a declaration the loader accepts).
constexpr bool declares(const snapmgr::DriverDescriptor& descriptor, snapmgr::Capability c) noexcept {
  return snapmgr::has(descriptor.capabilities, c) && has_accessor(c, descriptor.header.abi_minor);
}

}  // namespace snapmgr::core
