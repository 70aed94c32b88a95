#include "core/service/managed_index.hpp"

namespace snapmgr::core {

std::size_t StringMapHash::operator()(const snapmgr::StringMap& m) const noexcept {
  std::size_t h = 0xcbf29ce484222325ULL;
  std::hash<std::string_view> hash;
  for (const auto& [k, v] : m) {
    h ^= hash(k) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= hash(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

std::string_view uuid_in_cinder_name(ObjectKind kind, std::string_view name) {
  // Cinder's LVM driver escapes names starting with "snapshot" with a leading '_'.
  if (kind == ObjectKind::Snapshot && name.substr(0, 9) == "_snapshot") name.remove_prefix(1);
  const std::string_view prefix = kind == ObjectKind::Snapshot ? "snapshot-" : "volume-";
  if (name.substr(0, prefix.size()) != prefix) return {};
  return name.substr(prefix.size());
}

ManagedIndex::ManagedIndex(ObjectKind kind, const std::vector<ManagedReference>& rows) : kind_(kind) {
  by_reference_.reserve(rows.size());
  ids_.reserve(rows.size());
  for (const auto& row : rows) {
    by_reference_.emplace(row.provider_reference, row.id);
    ids_.insert(row.id);
  }
}

const std::string* ManagedIndex::find(const snapmgr::StringMap& reference) const {
  if (by_reference_.empty()) return nullptr;
  if (auto it = by_reference_.find(reference); it != by_reference_.end()) return &it->second;
  if (const std::string* name = reference.find("source-name")) {
    std::string_view uuid = uuid_in_cinder_name(kind_, *name);
    if (!uuid.empty()) {
      if (auto it = ids_.find(uuid); it != ids_.end()) return &*it;
    }
  }
  return nullptr;
}

}  // namespace snapmgr::core
