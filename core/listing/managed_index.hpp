// What the catalog already manages on one backend, indexed for the listing's "already managed"
// test (docs/cinder-compatibility.md §2.5, rule 1): a listed reference is managed when it equals the provider
// reference of a live catalog row of the same kind on the same backend, or when its
// `source-name` is Cinder's name for a live row — `_snapshot-<uuid>`/`snapshot-<uuid>` for
// snapshots, `volume-<uuid>` for volumes — whose uuid is that row's id.
//
// References are keyed in packed form (record_store.hpp), the form a listing stores them in, so
// checking 100,000 listed records costs one hash of bytes the listing just wrote, per record;
// the open-addressing tables keep a miss (most records are not managed) to the hash and a probe
// of their compact metadata, without touching the stored references. Immutable after
// construction; thread-safe to read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "core/catalog/catalog.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class ManagedIndex {
 public:
  ManagedIndex(ObjectKind kind, const std::vector<ManagedReference>& rows);

  // The catalog id managing `reference`, or nullptr.
  const std::string* find(const snapmgr::StringMap& reference) const;
  // The same for a packed reference.
  const std::string* find_packed(std::string_view packed) const;
  std::size_t size() const { return by_reference_.size(); }

 private:
  ObjectKind kind_;
  boost::unordered_flat_map<std::string, std::string, StringHash, std::equal_to<>> by_reference_;  // packed
  boost::unordered_flat_set<std::string, StringHash, std::equal_to<>> ids_;
};

// The uuid in Cinder's object name (`_snapshot-<uuid>`, `snapshot-<uuid>`, `volume-<uuid>`),
// or an empty view when `name` is not such a name.
std::string_view uuid_in_cinder_name(ObjectKind kind, std::string_view name);

}  // namespace snapmgr::core
