// Loads one driver plugin (a shared object exporting `snapmgr_driver_descriptor_v1`) with
// Boost.DLL, RTLD_NOW | RTLD_LOCAL, and checks it before anything else is trusted:
//   - the file is a loadable shared object and exports the entry point;
//   - the descriptor header's ABI major equals the host's and its minor is not newer;
//   - its build fingerprint (standard library and its ABI, SDK major) matches the host's
//     (host/build_fingerprint.hpp, which also reads SDK 2.0's form) — only then are the
//     descriptor's std::string/std::vector members read;
//   - name and factory are present.
// Every refusal message names the file and the cause (with both versions where they differ).
//
// Drivers are created through `create_driver`, which guards the factory (an exception or a null
// driver is a failure, not a crash) and checks that the capabilities the driver provides are
// exactly those its descriptor declares — asking only the accessors its SDK minor has
// (host/capability_gate.hpp), and refusing a declared capability that minor does not have.
// The returned pointer's deleter holds a reference to the library, so the code of a driver's
// destructor stays mapped until the driver is gone; the registry keeps every library loaded for
// the life of the process (no unloading).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "snapmgr/descriptor.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr::core {

struct LoadedPlugin {
  std::string path;
  std::shared_ptr<boost::dll::shared_library> library;
  const snapmgr::DriverDescriptor* descriptor = nullptr;
};

struct PluginLoad {
  std::optional<LoadedPlugin> plugin;
  std::string error;  // set when plugin is empty: "<path>: <cause>"
};

PluginLoad load_plugin(const std::string& path);

// Deletes the driver, then drops its reference to the library.
struct LibraryPinningDeleter {
  std::shared_ptr<boost::dll::shared_library> library;
  void operator()(snapmgr::Driver* driver) const noexcept { delete driver; }
};
using DriverPtr = std::unique_ptr<snapmgr::Driver, LibraryPinningDeleter>;

struct DriverCreation {
  DriverPtr driver;   // null on failure
  std::string error;  // why, when driver is null
};

// Calls the plugin's factory. `context` must outlive the driver. If the factory has not
// returned within `timeout`, the creation fails and the stuck call is left on its thread, which
// keeps the library loaded and `hold` alive until the factory returns: a caller that must not
// free `context` under a running factory passes something that tells it when that is.
DriverCreation create_driver(const LoadedPlugin& plugin, const snapmgr::DriverContext& context,
                             std::chrono::milliseconds timeout, std::shared_ptr<void> hold = {});

// "snapshot-discovery, snapshot-adoption, ..." for a capability set.
std::string describe_capabilities(std::uint32_t capabilities);

}  // namespace snapmgr::core
