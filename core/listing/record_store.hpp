// Compact storage for a listing's records. A driver's records carry each string in its own heap
// block (about 460 bytes for a typical snapshot record); a listing keeps them instead as:
//   - references, source references and extra_info packed into one byte string each, in an
//     arena of pooled 1 MiB blocks (block_pool.hpp; addresses never move),
//   - reasons, which repeat across records, stored once each.
// (Interning the maps too saved ~3 MB per 100,000 records but cost more time than the rest of
// the aggregation: hashing or comparing every map.)
// A packed map is the map's pairs in key order, each string as a 4-byte length and its bytes, so
// two packed maps are equal exactly when the maps are equal.
//
// Thread-safety: building (pack, intern) needs exclusion; reading what was returned is safe from
// any thread while the store lives.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/listing/block_pool.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

// The map `packed` holds, unpacked.
snapmgr::StringMap unpack_map(std::string_view packed);
// `map`, packed into a fresh string (e.g. to compare a marker with packed references).
std::string pack_map(const snapmgr::StringMap& map);
// The value of `key` in `packed` (a view into it), if it has that key.
std::optional<std::string_view> packed_value(std::string_view packed, std::string_view key);
// The smallest value in `packed` (a view into it), or an empty view when the map is empty.
std::string_view smallest_packed_value(std::string_view packed);

class RecordStore {
 public:
  RecordStore() = default;
  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;
  ~RecordStore();

  // `map`, packed into the arena.
  std::string_view pack(const snapmgr::StringMap& map);
  // The stored copy of `text` (one per distinct text).
  const std::string* intern(const std::string& text);

 private:
  char* allocate(std::size_t n);

  // Pooled blocks (block_pool.hpp), reused from one listing to the next.
  static constexpr std::size_t kBlockSize = block_pool::kBlockSize;
  std::vector<char*> blocks_;                   // filled in turn
  std::size_t block_used_ = kBlockSize;         // of the last block; "full" until one exists
  std::vector<std::unique_ptr<char[]>> large_;  // one per allocation over a quarter block
  std::unordered_set<std::string> texts_;
};

}  // namespace snapmgr::core
