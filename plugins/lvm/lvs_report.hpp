// The one lvs report the driver reads, and how it is parsed.
//
// Purpose: every listing, inspect and adopt reads LVs through exactly one process,
//   lvs --reportformat json --units b --nosuffix -o <kLvsFields> <vg>[/<lv>]
// whose stdout is {"report": [{"lv": [{"lv_name": "...", "lv_size": "<bytes>", ...}, ...]}]}
// (every value a string; lvm2 may add a "log" member, which is ignored). This file turns that
// text into LvRow values with Boost.JSON; anything else — not JSON, another shape, a missing
// field, a size that is not a whole number of bytes — is an error whose message says what was
// expected and what was found (the caller adds the command and the volume group).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "snapmgr/result.hpp"

namespace snapmgr::lvm {

inline constexpr const char* kLvsFields = "lv_name,lv_size,lv_attr,origin,lv_uuid,pool_lv,lv_tags";

struct LvRow {
  std::string name;  // as lvm2 reports it; hidden LVs appear as "[name]" (with lvs -a)
  std::uint64_t size_bytes = 0;
  std::string attr;    // lv_attr, 10 characters, e.g. "swi-XXs---"
  std::string origin;  // the origin LV of a snapshot, else empty
  std::string uuid;
  std::string pool;  // the thin or cache pool, else empty
  std::string tags;  // comma-separated, else empty
};

// Errors: BackendError describing the first problem found.
Result<std::vector<LvRow>> parse_lvs_report(std::string_view json);

}  // namespace snapmgr::lvm
