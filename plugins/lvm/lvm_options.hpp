// The lvm driver's options: what it declares to the host and how it reads them.
//
//   volume_group            string, required   the VG whose LVs are listed and adopted
//   lvm_binary              string, "lvm"      the lvm2 tool, run as `<lvm_binary> lvs ...`
//   lvm_system_dir          string, optional   passed as LVM_SYSTEM_DIR (must be a directory:
//                                              lvm2 silently falls back to /etc/lvm otherwise)
//   command_timeout_s       integer, 30        per lvm2 process, 1..3600 (the call's deadline
//                                              shortens it further)
//   snapshot_name_template  string, "snapshot-%s"  Cinder's; adopted snapshots are renamed to
//                                              this with "%s" = the snapshot id, then escaped
//                                              ("snapshot-<id>" → "_snapshot-<id>")
//   volume_name_template    string, "volume-%s"    the same for adopted volumes (not escaped)
// The host has checked keys and types; this checks the values and reports InvalidConfig
// naming the key (and line).
//
// Thread-safety: pure functions; LvmConfig is an immutable value once parsed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "snapmgr/options.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::lvm {

struct LvmConfig {
  std::string volume_group;
  std::string lvm_binary = "lvm";
  std::string lvm_system_dir;  // empty: LVM_SYSTEM_DIR is not set
  std::chrono::seconds command_timeout{30};
  std::string snapshot_name_template = "snapshot-%s";
  std::string volume_name_template = "volume-%s";
};

// The OptionSpecs of the descriptor (keys, types, defaults, descriptions).
std::vector<OptionSpec> lvm_option_specs();

Result<LvmConfig> parse_lvm_options(const OptionValue& options);

}  // namespace snapmgr::lvm
