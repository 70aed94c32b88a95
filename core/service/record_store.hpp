// Compact storage for a listing's records. A driver's records carry each string in its own heap
// block (about 460 bytes for a typical snapshot record); a listing keeps them instead as:
//   - references packed into one byte string each, in a chunked arena (addresses never move),
//   - maps that repeat across records (origins, extra_info) and reasons, stored once each.
// A packed map is the map's pairs in key order, each string as a 4-byte length and its bytes, so
// two packed maps are equal exactly when the maps are equal.
//
// Thread-safety: building (pack/intern) needs exclusion; reading what was returned is safe from
// any thread while the store lives.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/service/managed_index.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

// The map `packed` holds, unpacked.
snapmgr::StringMap unpack_map(std::string_view packed);
// `map`, packed into a fresh string (e.g. to compare a marker with packed references).
std::string pack_map(const snapmgr::StringMap& map);
// The smallest value in `packed` (a view into it), or an empty view when the map is empty.
std::string_view smallest_packed_value(std::string_view packed);

class RecordStore {
 public:
  // `map`, packed into the arena.
  std::string_view pack(const snapmgr::StringMap& map);
  // The stored copy of `map` (one per distinct map).
  const snapmgr::StringMap* intern(const snapmgr::StringMap& map);
  // The stored copy of `text` (one per distinct text).
  const std::string* intern(const std::string& text);

 private:
  char* allocate(std::size_t n);

  // Large enough that a 100,000-record listing takes ~6 blocks; only the bytes written become
  // resident (glibc maps blocks this large on their own, uninitialised pages stay untouched).
  static constexpr std::size_t kBlockSize = 1024 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;  // filled in turn
  std::size_t block_used_ = kBlockSize;           // of the last block; "full" until one exists
  std::vector<std::unique_ptr<char[]>> large_;    // one per allocation over a quarter block
  std::unordered_set<snapmgr::StringMap, StringMapHash> maps_;
  std::unordered_set<std::string> texts_;
};

}  // namespace snapmgr::core
