// snapmgr plugin SDK — the descriptor a driver's shared object exports.
//
// Purpose: the one thing the host reads from a plugin. It names the driver, its vendor and
// version, the SDK ABI it was built against, its build fingerprint, the capabilities it
// implements, the option keys it accepts and the factory that creates a configured driver.
//
// Layout contract: `header` is the first member and is plain data. The host reads it — and
// refuses the plugin on an ABI or fingerprint mismatch — before it touches any other member,
// because the rest (std::string, std::vector) is only layout-compatible when the header agrees.
//
// The factory may fail by returning an Error (InvalidConfig for bad options, BackendError when
// the backend cannot be reached). It should not throw; the host nevertheless guards the call
// and treats an exception or a null driver as a failed initialisation.
//
// Ownership: the descriptor is a static object in the plugin; it lives as long as the library
// stays loaded. Thread-safety: immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snapmgr/driver.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/version.hpp"

namespace snapmgr {

// Plain data, first member of the descriptor; `fingerprint` is SNAPMGR_BUILD_FINGERPRINT. The
// host never calls an accessor introduced after `abi_minor` (capabilities.hpp).
struct DescriptorHeader {
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  char fingerprint[48];
  char sdk_version[16];
};

using DriverFactory = Result<std::unique_ptr<Driver>> (*)(const DriverContext& context);

struct DriverDescriptor {
  DescriptorHeader header;
  std::string name;  // unique driver name used in the config's `driver:` key
  std::string vendor;
  std::string version;              // the driver's own version
  std::uint32_t capabilities = 0;   // Capability bits (capabilities_of<YourDriver>(), driver_of.hpp)
  std::vector<OptionSpec> options;  // accepted option keys
  DriverFactory factory = nullptr;
};

// The header a driver built against this SDK carries.
inline constexpr DescriptorHeader current_header() noexcept {
  return DescriptorHeader{kAbiMajor, kAbiMinor, SNAPMGR_BUILD_FINGERPRINT, SNAPMGR_SDK_VERSION};
}

}  // namespace snapmgr
