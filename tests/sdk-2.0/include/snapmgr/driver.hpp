// snapmgr plugin SDK — the driver object and what it is created with.
//
// Purpose: a `Driver` is one configured backend. The host creates it through the descriptor's
// factory with a `DriverContext`, then asks it for each capability. A capability accessor
// returns a pointer borrowed from the driver (usually `this`, with the driver inheriting the
// capability interface) or nullptr when the backend cannot do it; it must return the same
// answer every time, and exactly the capabilities the descriptor declares.
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

  virtual SnapshotDiscovery* snapshot_discovery() noexcept { return nullptr; }
  virtual SnapshotAdoption* snapshot_adoption() noexcept { return nullptr; }
  virtual SnapshotRelease* snapshot_release() noexcept { return nullptr; }
  virtual VolumeDiscovery* volume_discovery() noexcept { return nullptr; }
  virtual VolumeAdoption* volume_adoption() noexcept { return nullptr; }
};

}  // namespace snapmgr
