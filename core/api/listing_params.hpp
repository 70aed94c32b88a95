// The query parameters of a manageable-objects listing, parsed and validated as Cinder does it
// (docs/cinder-compatibility.md §2.3), in Cinder's order and with its messages:
//
//   1. host/cluster: from 3.17 exactly one of them non-empty ("Invalid input received: One and
//      only one of cluster and host must be set."), before that `cluster` is ignored and `host`
//      is required ("Invalid input received: Host field is missing."). Last occurrence wins.
//   2. limit ("limit param must be an integer" / "... must be positive"; capped at 1000;
//      0 is kept), marker (raw text), offset ("offset must be an integer" / ">= 0" /
//      "<= 2147483647"). First occurrence wins; Python int() syntax (spaces, sign, '_').
//   3. sort=key[:dir],... or the deprecated sort_key/sort_dir (not both: "The 'sort_key' and
//      'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
//      default reference/desc.
//   4. keys ⊆ {reference, size} ("Invalid sort keys passed: a, b"), dirs ⊆ {asc, desc}
//      ("Invalid sort dirs passed: x"). The v3 path lists the invalid items once each (Cinder
//      collects them in a set), the legacy path in request order with repeats.
//
// Thread-safety: pure function.
#pragma once

#include "core/api/faults.hpp"
#include "core/api/microversion.hpp"
#include "core/api/query_params.hpp"
#include "core/listing/listing_types.hpp"

namespace snapmgr::core::api {

inline constexpr std::size_t kMaxLimit = 1000;       // Cinder's osapi_max_limit
inline constexpr long long kMaxOffset = 2147483647;  // Cinder's DB_MAX_INT

snapmgr::Result<ListingQuery, ApiError> parse_listing_query(const QueryParams& params, const ApiVersion& version,
                                                            ApiPath path);

// Python int() of a query value: nullopt when it is not an integer; values beyond ±2^62 are
// clamped (every bound Cinder checks is far smaller).
std::optional<long long> parse_python_int(std::string_view text);

}  // namespace snapmgr::core::api
