// snapmgr plugin SDK — what a driver reports about objects on its backend.
//
// Purpose: drivers report raw facts; the host does everything else, once, the same way for every
// driver. In particular a driver does NOT:
//   - round sizes (report exact bytes; the host rounds up to whole GiB as Cinder does),
//   - decide whether an object is already managed (the host knows its catalog),
//   - compute `safe_to_manage` (the host aggregates: already managed, then in use, then the
//     driver's reason, else safe),
//   - sort or page (the host applies sort, marker, offset and limit).
//
// `reference` identifies the object and must be accepted unchanged by the driver's inspect and
// adopt calls (the list→adopt round trip). It is usually `{"source-name": "<name>"}`; drivers
// that also have a stable id may add `"source-id"`. References must be unique within one
// listing. `extra_info` is free-form operator information (strings only).
//
// Ownership/thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "snapmgr/string_map.hpp"

namespace snapmgr {

struct ManageableSnapshot {
  StringMap reference;                // identifies the snapshot, e.g. {"source-name": "lvol0"}
  std::uint64_t size_bytes = 0;       // exact size on the backend, in bytes
  StringMap source_reference;         // the origin volume, e.g. {"source-name": "volume-<uuid>"}
  bool in_use = false;                // something on the backend uses it (open, exported, active)
  std::optional<std::string> reason;  // another reason it is not safe to adopt, if any
  StringMap extra_info;               // free-form facts for operators, e.g. {"type": "thin"}
};

struct ManageableVolume {
  StringMap reference;                // identifies the volume, e.g. {"source-name": "volume-<uuid>"}
  std::uint64_t size_bytes = 0;       // exact size on the backend, in bytes
  bool in_use = false;                // something on the backend uses it
  std::optional<std::string> reason;  // another reason it is not safe to adopt, if any
  StringMap extra_info;               // free-form facts for operators
};

}  // namespace snapmgr
