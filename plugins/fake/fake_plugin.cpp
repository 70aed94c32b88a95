// The fake driver's descriptor and entry point.
#include "fake_driver.hpp"
#include "snapmgr/export.hpp"

namespace snapmgr::fake {

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "fake",
      "snapmgr",
      "1.0.0",
      capabilities_of<FakeDriver>(),
      {
          {"snapshots",
           OptionType::List,
           false,
           {},
           "unmanaged snapshot objects: [{name, size_bytes, origin, in_use, reason, extra_info}]"},
          {"volumes",
           OptionType::List,
           false,
           {},
           "unmanaged volume objects: [{name, size_bytes, in_use, reason, extra_info}]"},
          {"generate", OptionType::Map, false, {}, "synthetic inventory: {snapshots: N, volumes: M, seed: S}"},
          {"faults",
           OptionType::Map,
           false,
           {},
           "per operation {error, delay_ms, hang}: init, list_snapshots, snapshot_size, adopt_snapshot, "
           "release_snapshot, list_volumes, adopt_volume, release_volume"},
          {"state_file",
           OptionType::String,
           false,
           {},
           "persist the inventory in this JSON file (renames survive restarts)"},
      },
      &FakeDriver::create,
  };
  return &d;
}

}  // namespace snapmgr::fake

SNAPMGR_EXPORT_DRIVER(snapmgr::fake::descriptor)
