// What a listing of manageable objects asks for and returns (Cinder's manageable_snapshots /
// manageable_volumes). The API parses and validates query parameters (limit, offset, sort,
// host/cluster rules, with Cinder's messages); the service resolves the backend, calls the
// driver, aggregates safe_to_manage / reason_not_safe / cinder_id, rounds sizes up to GiB, and
// sorts and pages with Cinder's semantics (marker = JSON reference, offset after the marker).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

enum class SortField { Reference, Size };

struct SortKey {
  SortField field = SortField::Reference;
  bool ascending = false;  // Cinder: "asc" ascends, anything else ("desc") descends
};

struct ListingQuery {
  std::string host;                   // "host", "host@backend" or "host@backend#pool"; or
  std::string cluster;                // a cluster name (exactly one of host/cluster is set)
  std::optional<std::string> marker;  // raw text; an empty string counts as no marker
  std::size_t limit = 1000;           // already capped at 1000 by the API
  std::size_t offset = 0;
  std::vector<SortKey> sort = {SortKey{}};  // default: reference desc
};

// One entry of a manageable-snapshot listing, in Cinder's detail key order.
struct SnapshotListingEntry {
  snapmgr::StringMap reference;
  std::int64_t size = 0;  // GiB, rounded up
  bool safe_to_manage = false;
  std::optional<std::string> reason_not_safe;
  std::optional<snapmgr::StringMap> extra_info;  // null when the driver gave none
  std::optional<std::string> cinder_id;
  snapmgr::StringMap source_reference;
};

// One entry of a manageable-volume listing, in Cinder's detail key order.
struct VolumeListingEntry {
  snapmgr::StringMap reference;
  std::int64_t size = 0;
  bool safe_to_manage = false;
  std::optional<std::string> reason_not_safe;
  std::optional<std::string> cinder_id;
  std::optional<snapmgr::StringMap> extra_info;
};

}  // namespace snapmgr::core
