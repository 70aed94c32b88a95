// The fake driver's options (fixed by the foundation issue; docs/configuration.md lists them):
//   snapshots:  [{name, size_bytes, origin, in_use?, reason?, extra_info?}]
//   volumes:    [{name, size_bytes, in_use?, reason?, extra_info?}]
//   generate:   {snapshots: N, volumes: M, seed: S}       synthetic inventory
//   faults:     {<operation>: {error?, delay_ms?, sleep_ms?, hang?, crash?, exit?}}  per operation, see
//               kFaultOperations
//   state_file: path                                        persist the inventory there
// The host has already checked the top-level keys and types; this checks the inside and
// reports problems as InvalidConfig naming the item, key and line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "fake_inventory.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::fake {

inline constexpr const char* kFaultOperations[] = {"init",           "list_snapshots",   "snapshot_size",
                                                   "adopt_snapshot", "release_snapshot", "list_volumes",
                                                   "volume_size",    "adopt_volume",     "release_volume"};

struct Fault {
  std::optional<std::string> error;  // the operation fails with BackendError(error)
  std::int64_t delay_ms = 0;         // the operation waits first (up to the call's deadline)
  bool hang = false;                 // the operation never returns (until the driver is destroyed)
  std::int64_t sleep_ms = 0;         // the operation sleeps first, ignoring the deadline, then carries on
  bool crash = false;                // the process dies of SIGSEGV when the operation runs
  std::optional<int> exit;           // the process exits with this status when the operation runs
};

struct FakeConfig {
  FakeInventory inventory;  // from snapshots/volumes/generate
  std::map<std::string, Fault> faults;
  std::string state_file;  // "" = memory only
};

Result<FakeConfig> parse_fake_options(const OptionValue& options);

}  // namespace snapmgr::fake
