#include "target_naming.hpp"

namespace snapmgr::iscsi {

TargetClass classify_target(const IscsiConfig& config, std::string_view iqn) {
  if (auto groups = config.snapshot_pattern.match(iqn)) {
    const std::string& origin = (*groups)["origin"];
    if (!origin.empty()) return {TargetKind::Snapshot, origin};
  }
  if (auto groups = config.volume_pattern.match(iqn)) {
    if (auto it = groups->find("name"); it != groups->end() && !it->second.empty()) {
      return {TargetKind::Volume, it->second};
    }
    auto colon = iqn.rfind(':');
    return {TargetKind::Volume, std::string(colon == std::string_view::npos ? iqn : iqn.substr(colon + 1))};
  }
  return {};
}

const char* to_string(TargetKind kind) noexcept {
  switch (kind) {
    case TargetKind::Snapshot: return "snapshot";
    case TargetKind::Volume: return "volume";
    case TargetKind::Ignored: return "ignored";
  }
  return "unknown";
}

}  // namespace snapmgr::iscsi
