// The two lvm2 commands the driver runs, through the host's CommandRunner.
//
// Purpose: one place that builds argv and environment, applies the timeout and turns every
// failure into a precise error. Commands (argv only, never a shell):
//   <lvm_binary> lvs --reportformat json --units b --nosuffix -o <kLvsFields> <vg>[/<lv>]
//   <lvm_binary> lvrename <vg> <old> <new>
// Environment added to the host's: LVM_SUPPRESS_FD_WARNINGS=1, LC_ALL=C (so stderr is the
// English text the error mapping below reads) and, when configured, LVM_SYSTEM_DIR.
// Timeout of each process: min(command_timeout_s, call.remaining()); a call whose deadline has
// already passed starts nothing and gets Timeout.
//
// Errors (messages name the command and the volume group):
//   BackendError  the binary cannot be started, non-zero exit (with lvm2's stderr), output
//                 that is not the expected JSON report
//   Timeout       the process outlived its timeout and was killed
//
// Ownership: borrows the config and the runner, both outliving it. Thread-safety: const
// methods, safe to call concurrently (the runner is thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lvm_options.hpp"
#include "lvs_report.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::lvm {

class LvmCommands {
 public:
  LvmCommands(const LvmConfig& config, CommandRunner& runner) : config_(config), runner_(runner) {}

  // Every LV of the volume group, in lvs order (one process).
  Result<std::vector<LvRow>> list(const Call& call) const;

  // The LV named `lv` (a name already checked against LVM's rules), or nullopt when lvm2 says
  // it does not exist (one process).
  Result<std::optional<LvRow>> find(const Call& call, const std::string& lv) const;

  // Renames LV `from` to `to` in the volume group (one process).
  Status rename(const Call& call, const std::string& from, const std::string& to) const;

 private:
  // Runs `<lvm_binary> <args...>`; `what` names the command in messages.
  Result<CommandOutput> run(const Call& call, std::vector<std::string> args, const std::string& what) const;
  std::vector<std::string> lvs_args(const std::string& target) const;
  // "`lvm lvs vg0` on volume group 'vg0'" — how messages name a command.
  std::string describe(const std::string& what) const;

  const LvmConfig& config_;
  CommandRunner& runner_;
};

}  // namespace snapmgr::lvm
