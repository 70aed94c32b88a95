// The fake backend's objects: named snapshots (with an origin volume name) and volumes, as a
// real backend would hold them. Renames follow LVM: adopting renames the object, and renaming a
// volume updates the origin of its snapshots. The inventory can be generated deterministically
// from a seed (benchmarks) and persisted to a JSON state file (written atomically: temp file +
// rename), so renames survive a restart as they would on a real backend.
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
  std::string origin;                  // snapshots only
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

  const std::vector<FakeObject>& snapshots() const { return snapshots_; }
  const std::vector<FakeObject>& volumes() const { return volumes_; }
  const FakeObject* find_snapshot(const std::string& name) const;
  const FakeObject* find_volume(const std::string& name) const;

  // Renames; fails with InvalidReference when `from` is missing or `to` is taken.
  Status rename_snapshot(const std::string& from, const std::string& to);
  Status rename_volume(const std::string& from, const std::string& to);

  Status save(const std::string& path) const;
  static Result<FakeInventory> load(const std::string& path);

 private:
  std::vector<FakeObject> snapshots_;
  std::vector<FakeObject> volumes_;
  std::unordered_map<std::string, std::size_t> snapshot_index_;
  std::unordered_map<std::string, std::size_t> volume_index_;
};

}  // namespace snapmgr::fake
