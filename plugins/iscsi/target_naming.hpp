// Which targets hold snapshots and which hold volumes, decided from the target IQN alone.
//
//   - A target whose IQN fully matches snapshot_target_pattern, with a non-empty `origin` group,
//     is a snapshot target; every disk LUN on it is a snapshot of the volume named `origin`.
//   - Otherwise, a target whose IQN fully matches volume_target_pattern is a volume target, named
//     by the pattern's `name` group when it has one and it matched something, else by the IQN's
//     last ':'-separated component ("iqn.2026-11.io.snapmgr:vol-a" -> "vol-a").
//   - Any other target is ignored.
// The snapshot pattern wins when both match, so the default volume pattern ".*" means "every
// target that is not a snapshot target".
//
// Thread-safety: pure function over an immutable configuration.
#pragma once

#include <string>
#include <string_view>

#include "iscsi_config.hpp"

namespace snapmgr::iscsi {

enum class TargetKind { Snapshot, Volume, Ignored };

struct TargetClass {
  TargetKind kind = TargetKind::Ignored;
  std::string name;  // Snapshot: the origin volume's name; Volume: the volume's name
};

TargetClass classify_target(const IscsiConfig& config, std::string_view iqn);

const char* to_string(TargetKind kind) noexcept;  // "snapshot", "volume", "ignored"

}  // namespace snapmgr::iscsi
