#include "core/listing/managed_index.hpp"

#include "core/listing/record_store.hpp"

namespace snapmgr::core {

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
    by_reference_.emplace(pack_map(row.provider_reference), row.id);
    ids_.insert(row.id);
  }
}

const std::string* ManagedIndex::find(const snapmgr::StringMap& reference) const {
  if (by_reference_.empty()) return nullptr;
  return find_packed(pack_map(reference));
}

const std::string* ManagedIndex::find_packed(std::string_view packed) const {
  if (by_reference_.empty()) return nullptr;
  if (auto it = by_reference_.find(packed); it != by_reference_.end()) return &it->second;
  if (auto name = packed_value(packed, "source-name")) {
    std::string_view uuid = uuid_in_cinder_name(kind_, *name);
    if (!uuid.empty()) {
      if (auto it = ids_.find(uuid); it != ids_.end()) return &*it;
    }
  }
  return nullptr;
}

}  // namespace snapmgr::core
