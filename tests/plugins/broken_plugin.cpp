// Deliberately broken driver plugins (the ceph erasure-code plugin tests are the model). The
// same source is built once per defect, selected by a BROKEN_* macro; each must be refused by
// the host with a message naming the file and the cause, without affecting other backends.
#include <stdexcept>
#include <thread>

#include "snapmgr/sdk.hpp"

namespace broken {

class MinimalDriver final : public snapmgr::Driver {};

snapmgr::Result<std::unique_ptr<snapmgr::Driver>> factory(const snapmgr::DriverContext&) {
#if defined(BROKEN_FACTORY_THROWS)
  throw std::runtime_error("simulated crash in the factory");
#elif defined(BROKEN_FACTORY_NULL)
  return std::unique_ptr<snapmgr::Driver>();
#elif defined(BROKEN_FACTORY_HANGS)
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
#else
  return std::unique_ptr<snapmgr::Driver>(new MinimalDriver());
#endif
}

snapmgr::DescriptorHeader header() {
  snapmgr::DescriptorHeader h = snapmgr::current_header();
#if defined(BROKEN_ABI_MAJOR)
  h.abi_major = snapmgr::kAbiMajor + 1;
#elif defined(BROKEN_ABI_MINOR)
  h.abi_minor = snapmgr::kAbiMinor + 1;
#elif defined(BROKEN_CAPABILITY_TOO_NEW)
  h.abi_minor = 0;
#endif
  return h;
}

const snapmgr::DriverDescriptor* descriptor() {
#if defined(BROKEN_NULL_DESCRIPTOR)
  return nullptr;
#else
  static const snapmgr::DriverDescriptor d {
    header(), BROKEN_NAME, "snapmgr tests", "0.0.1",
#if defined(BROKEN_CAPABILITY_MISMATCH)
        static_cast<std::uint32_t>(snapmgr::Capability::SnapshotDiscovery),  // declared, not provided
#elif defined(BROKEN_CAPABILITY_TOO_NEW)
        static_cast<std::uint32_t>(snapmgr::Capability::VolumeRelease),  // a 2.1 capability in a "2.0" header
#else
        0,
#endif
        {}, &factory
  };
  return &d;
#endif
}

}  // namespace broken

#if !defined(BROKEN_NO_ENTRY_POINT)
SNAPMGR_EXPORT_DRIVER(broken::descriptor)
#else
// Exports a symbol, just not the entry point.
extern "C" __attribute__((visibility("default"))) int snapmgr_not_the_entry_point() { return 1; }
#endif
