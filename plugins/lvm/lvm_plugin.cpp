// The lvm driver's descriptor and entry point.
#include "lvm_driver.hpp"
#include "lvm_options.hpp"
#include "snapmgr/export.hpp"

namespace snapmgr::lvm {

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(), "lvm", "snapmgr", "1.0.0", capabilities_of<LvmDriver>(), lvm_option_specs(), &LvmDriver::create,
  };
  return &d;
}

}  // namespace snapmgr::lvm

SNAPMGR_EXPORT_DRIVER(snapmgr::lvm::descriptor)
