// snapmgr plugin SDK — the driver object and what it is created with.
//
// Purpose: a `Driver` is one configured backend. The host creates it through the descriptor's
// factory with a `DriverContext`, then asks it for each capability. A capability accessor
// returns a pointer borrowed from the driver (usually `this`, with the driver inheriting the
// capability interface) or nullptr when the backend cannot do it; it must return the same
// answer every time, and exactly the capabilities the descriptor declares. Derive from
// `DriverOf<YourDriver>` (driver_of.hpp) and the accessors and the descriptor's bits follow
// from the interfaces your driver inherits.
//
// Driver has one virtual accessor per entry of SNAPMGR_CAPABILITIES (capabilities.hpp), in that
// order, all defaulting to nullptr:
//   SnapshotDiscovery* snapshot_discovery()   SnapshotAdoption* snapshot_adoption()
//   SnapshotRelease* snapshot_release()       VolumeDiscovery* volume_discovery()
//   VolumeAdoption* volume_adoption()         VolumeRelease* volume_release()     (SDK 2.1)
// A driver built against an older minor has no slot for a newer accessor; the host never calls
// an accessor newer than the driver's `header.abi_minor` (host/capability_gate.hpp).
//
// Ownership: the host owns the driver (through a deleter that keeps the shared object loaded
// while the driver lives). Everything in `DriverContext` is owned by the host, borrowed by the
// driver, and valid until the driver is destroyed.
// Thread-safety: see capabilities.hpp — all methods may run concurrently.
#pragma once

#include <memory>
#include <string>

#include "snapmgr/capabilities.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr {

struct DriverContext {
  const OptionValue& options;  // a map, validated against the descriptor's OptionSpecs
  Logger& logger;              // host-owned sink; lines carry the backend name
  CommandRunner& commands;     // argv-only process runner with timeouts
  std::string backend;         // "<host>@<backend>", for messages
  std::string state_dir;       // a directory the host created for this process's state
};

class Driver {
 public:
  virtual ~Driver() = default;

#define SNAPMGR_DRIVER_ACCESSOR(id, interface, name, accessor, bit, minor) \
  virtual interface* accessor() noexcept { return nullptr; }
  SNAPMGR_CAPABILITIES(SNAPMGR_DRIVER_ACCESSOR)
#undef SNAPMGR_DRIVER_ACCESSOR
};

// Capability `C`'s interface type and Driver accessor, for code that is generic over
// capabilities (the host's gate, host/capability_gate.hpp).
template <Capability C>
struct CapabilityTraits;
#define SNAPMGR_CAPABILITY_TRAITS(id, interface_type, name, accessor_name, bit, minor)        \
  template <>                                                                                 \
  struct CapabilityTraits<Capability::id> {                                                   \
    using Interface = interface_type;                                                         \
    static constexpr interface_type* (Driver::*accessor)() noexcept = &Driver::accessor_name; \
  };
SNAPMGR_CAPABILITIES(SNAPMGR_CAPABILITY_TRAITS)
#undef SNAPMGR_CAPABILITY_TRAITS

}  // namespace snapmgr
