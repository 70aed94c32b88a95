// snapmgr plugin SDK — exporting a driver from a shared object.
//
// Purpose: a plugin exports exactly one entry point, a function returning a pointer to its
// static `DriverDescriptor`:
//
//   const snapmgr::DriverDescriptor* my_descriptor() { static const DriverDescriptor d{...}; return &d; }
//   SNAPMGR_EXPORT_DRIVER(my_descriptor)
//
// The macro wraps BOOST_DLL_ALIAS, so the symbol is exported under the fixed, unmangled name
// `snapmgr_driver_descriptor_v1` even when the plugin is built with hidden visibility (which it
// should be). Use it once, at namespace scope, in one translation unit. The function must not
// be in an anonymous namespace (the alias takes its address from another namespace).
//
// Ownership/thread-safety: the host calls the function once per load, from one thread.
#pragma once

#include <boost/dll/alias.hpp>

#include "snapmgr/descriptor.hpp"

namespace snapmgr {
using DescriptorFunction = const DriverDescriptor*();
inline constexpr const char* kEntryPointName = "snapmgr_driver_descriptor_v1";
}  // namespace snapmgr

#define SNAPMGR_EXPORT_DRIVER(descriptor_function) BOOST_DLL_ALIAS(descriptor_function, snapmgr_driver_descriptor_v1)
