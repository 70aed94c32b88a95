// The fake backend's objects: named snapshots (with an origin volume name) and volumes, as a
// real backend would hold them. Renames follow LVM: adopting renames the object, and renaming a
// volume updates the origin of its snapshots. The inventory can be generated deterministically
// from a seed (benchmarks) and persisted to a JSON state file (written atomically: temp file +
// rename), so renames survive a restart as they would on a real backend.
//
// Storage is compact, so that a 100,000-snapshot benchmark backend costs the process about
// 190 bytes per object rather than the ~480 of a FakeObject: each name is stored once (as the
// key of the name index), and origins, reasons and extra_info maps, which repeat, are stored once
// per distinct value. Objects are handed out as FakeObject values.
//
// Thread-safety: none; FakeDriver serialises access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "snapmgr/result.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::fake {

struct FakeObject {
  std::string name;
  std::uint64_t size_bytes = 0;
  std::string origin;  // snapshots only
  bool in_use = false;
  std::optional<std::string> reason;
  StringMap extra_info;
};

struct GenerateSpec {
  std::int64_t snapshots = 0;
  std::int64_t volumes = 0;
  std::int64_t seed = 1;
};

class FakeInventory {
 public:
  // Names are unique across snapshots and volumes (one namespace, as LVs in a VG).
  Status add_snapshot(FakeObject o);
  Status add_volume(FakeObject o);
  // Appends `spec.volumes` volumes and `spec.snapshots` snapshots; the same spec always yields
  // the same objects.
  void generate(const GenerateSpec& spec);

  // In insertion order.
  std::size_t snapshot_count() const { return snapshots_.size(); }
  std::size_t volume_count() const { return volumes_.size(); }
  FakeObject snapshot(std::size_t i) const { return materialize(snapshots_[i], false); }
  FakeObject volume(std::size_t i) const { return materialize(volumes_[i], true); }
  std::optional<FakeObject> find_snapshot(const std::string& name) const;
  std::optional<FakeObject> find_volume(const std::string& name) const;

  // Renames; fails with InvalidReference when `from` is missing or `to` is taken.
  Status rename_snapshot(const std::string& from, const std::string& to);
  Status rename_volume(const std::string& from, const std::string& to);

  Status save(const std::string& path) const;
  static Result<FakeInventory> load(const std::string& path);

 private:
  // Values stored once each, referred to by index.
  template <class T, class Hash = std::hash<T>>
  struct Table {
    std::uint32_t id(const T& value);
    std::vector<T> values;
    std::unordered_map<T, std::uint32_t, Hash> ids;
  };
  struct Stored {
    const std::string* name;  // the key in names_ (node-based: stable)
    std::uint64_t size_bytes;
    std::uint32_t origin;      // in origins_; snapshots only
    std::uint32_t reason;      // 1 + its index in reasons_; 0 for none
    std::uint32_t extra_info;  // in extra_infos_
    bool in_use;
  };
  struct Located {
    bool volume;
    std::uint32_t index;
  };
  struct MapHash {
    std::size_t operator()(const StringMap& m) const noexcept;
  };

  Status add(FakeObject o, bool volume);
  FakeObject materialize(const Stored& s, bool volume) const;
  const Stored* find(const std::string& name, bool volume) const;
  Status rename(const std::string& from, const std::string& to, bool volume);

  std::vector<Stored> snapshots_;
  std::vector<Stored> volumes_;
  std::unordered_map<std::string, Located> names_;
  Table<std::string> origins_;
  Table<std::string> reasons_;
  Table<StringMap, MapHash> extra_infos_;
};

}  // namespace snapmgr::fake
