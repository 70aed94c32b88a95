#include "lvm_commands.hpp"

#include <algorithm>

#include "lv_name.hpp"

namespace snapmgr::lvm {
namespace {

// lvm2's stderr on one line, without surrounding blanks, cut to a readable length.
std::string stderr_text(const std::string& err) {
  constexpr std::size_t kShown = 2000;
  std::string out;
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string_view line(err.data() + start, end - start);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.empty()) {
      if (!out.empty()) out += "; ";
      out += line;
    }
    start = end + 1;
  }
  if (out.empty()) return "(nothing on stderr)";
  if (out.size() > kShown) out = out.substr(0, kShown) + "...";
  return out;
}

// lvm2 (LC_ALL=C) prints this when the named LV is absent but its volume group exists.
constexpr std::string_view kMissingLv = "Failed to find logical volume";

}  // namespace

std::string LvmCommands::describe(const std::string& what) const {
  return "`" + config_.lvm_binary + " " + what + "` on volume group " + quote_name(config_.volume_group);
}

std::vector<std::string> LvmCommands::lvs_args(const std::string& target) const {
  return {"lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", kLvsFields, target};
}

Result<CommandOutput> LvmCommands::run(const Call& call, std::vector<std::string> args, const std::string& what) const {
  const std::string context = describe(what);
  const auto remaining = call.remaining();
  if (remaining.count() <= 0) {
    return Error::timeout(context + " was not started: the call's deadline has passed");
  }
  Command command;
  command.argv.reserve(args.size() + 1);
  command.argv.push_back(config_.lvm_binary);
  for (auto& a : args) command.argv.push_back(std::move(a));
  command.env = {{"LVM_SUPPRESS_FD_WARNINGS", "1"}, {"LC_ALL", "C"}};
  if (!config_.lvm_system_dir.empty()) command.env.emplace_back("LVM_SYSTEM_DIR", config_.lvm_system_dir);
  command.timeout = std::min<std::chrono::milliseconds>(config_.command_timeout, remaining);

  auto output = runner_.run(command);
  if (!output) {
    const Error& e = output.error();
    if (e.code() == ErrorCode::Timeout) {
      return Error::timeout(context + " did not finish within " + std::to_string(command.timeout.count()) +
                            " ms and was killed");
    }
    return Error::backend(context + " could not run: " + e.message());
  }
  return output;
}

Result<std::vector<LvRow>> LvmCommands::list(const Call& call) const {
  const std::string what = "lvs " + config_.volume_group;
  auto out = run(call, lvs_args(config_.volume_group), what);
  if (!out) return out.error();
  const std::string context = describe(what);
  if (out->exit_code != 0) {
    return Error::backend(context + " failed with exit code " + std::to_string(out->exit_code) + ": " +
                          stderr_text(out->err));
  }
  auto rows = parse_lvs_report(out->out);
  if (!rows) return Error::backend(context + ": " + rows.error().message());
  return rows;
}

Result<std::optional<LvRow>> LvmCommands::find(const Call& call, const std::string& lv) const {
  const std::string target = config_.volume_group + "/" + lv;
  const std::string what = "lvs " + target;
  auto out = run(call, lvs_args(target), what);
  if (!out) return out.error();
  const std::string context = describe(what);
  if (out->exit_code != 0) {
    if (out->err.find(kMissingLv) != std::string::npos) return std::optional<LvRow>();
    return Error::backend(context + " failed with exit code " + std::to_string(out->exit_code) + ": " +
                          stderr_text(out->err));
  }
  auto rows = parse_lvs_report(out->out);
  if (!rows) return Error::backend(context + ": " + rows.error().message());
  for (auto& row : *rows) {
    if (row.name == lv || row.name == "[" + lv + "]") return std::optional<LvRow>(std::move(row));
  }
  return Error::backend(context + " succeeded but reported no LV named " + quote_name(lv) + " (" +
                        std::to_string(rows->size()) + " rows)");
}

Status LvmCommands::rename(const Call& call, const std::string& from, const std::string& to) const {
  const std::string what = "lvrename " + config_.volume_group + " " + from + " " + to;
  auto out = run(call, {"lvrename", config_.volume_group, from, to}, what);
  if (!out) return out.error();
  if (out->exit_code != 0) {
    return Error::backend(describe(what) + " failed with exit code " + std::to_string(out->exit_code) + ": " +
                          stderr_text(out->err));
  }
  return Status::success();
}

}  // namespace snapmgr::lvm
