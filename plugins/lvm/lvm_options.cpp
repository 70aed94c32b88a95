#include "lvm_options.hpp"

#include <filesystem>
#include <system_error>

#include "lv_name.hpp"

namespace snapmgr::lvm {
namespace {

// A UUID-shaped id: what the host passes to adopt_*; templates are checked with it.
constexpr const char* kSampleId = "01234567-89ab-cdef-0123-456789abcdef";
constexpr std::int64_t kMaxTimeoutSeconds = 3600;

const OptionValue* string_option(const OptionValue& options, const char* key, std::string& target) {
  const OptionValue* v = options.find(key);
  if (v && v->is_string()) target = v->as_string();
  return v;
}

// A template must contain "%s" exactly once (and no other '%') and give LVM-legal names.
Status check_template(const std::string& key, const OptionValue* v, const std::string& name_template, bool snapshot,
                      const std::string& vg) {
  std::size_t first = name_template.find("%s");
  std::size_t percents = 0;
  for (char c : name_template) percents += c == '%';
  if (first == std::string::npos || percents != 1) {
    return Error::invalid_config(option_path(key, v) + ": " + quote_name(name_template) +
                                 " must contain \"%s\" (the id) exactly once and no other '%'");
  }
  std::string sample = expand_template(name_template, kSampleId);
  if (snapshot) sample = escape_snapshot_name(sample);
  if (auto problem = lv_name_problem(sample, vg); !problem.empty()) {
    return Error::invalid_config(option_path(key, v) + ": " + quote_name(name_template) + " gives names like " +
                                 quote_name(sample) + ", which " + problem);
  }
  return Status::success();
}

}  // namespace

std::vector<OptionSpec> lvm_option_specs() {
  return {
      {"volume_group", OptionType::String, true, {}, "the LVM volume group whose LVs are listed and adopted"},
      {"lvm_binary", OptionType::String, false, OptionValue("lvm"), "the lvm2 tool, run as `<lvm_binary> lvs ...`"},
      {"lvm_system_dir",
       OptionType::String,
       false,
       {},
       "LVM_SYSTEM_DIR for every lvm2 process (a directory with lvm.conf)"},
      {"command_timeout_s", OptionType::Integer, false, OptionValue(30), "seconds one lvm2 process may run (1..3600)"},
      {"snapshot_name_template", OptionType::String, false, OptionValue("snapshot-%s"),
       "adopted snapshots are renamed to this, %s = snapshot id, escaped as Cinder does (_snapshot-<id>)"},
      {"volume_name_template", OptionType::String, false, OptionValue("volume-%s"),
       "adopted volumes are renamed to this, %s = volume id"},
  };
}

Result<LvmConfig> parse_lvm_options(const OptionValue& options) {
  LvmConfig config;
  const OptionValue* vg = string_option(options, "volume_group", config.volume_group);
  if (auto problem = vg_name_problem(config.volume_group); !problem.empty()) {
    return Error::invalid_config(option_path("volume_group", vg) + ": " + quote_name(config.volume_group) +
                                 " is not a volume group name: it " + problem);
  }

  const OptionValue* binary = string_option(options, "lvm_binary", config.lvm_binary);
  if (config.lvm_binary.empty() || config.lvm_binary.find('\0') != std::string::npos) {
    return Error::invalid_config(option_path("lvm_binary", binary) + ": expected a program name or path");
  }

  const OptionValue* system_dir = string_option(options, "lvm_system_dir", config.lvm_system_dir);
  if (!config.lvm_system_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(config.lvm_system_dir, ec)) {
      return Error::invalid_config(option_path("lvm_system_dir", system_dir) + ": " +
                                   quote_name(config.lvm_system_dir) +
                                   " is not a directory (lvm2 would silently use /etc/lvm instead)");
    }
  }

  if (const OptionValue* t = options.find("command_timeout_s"); t && t->is_int()) {
    if (t->as_int() < 1 || t->as_int() > kMaxTimeoutSeconds) {
      return Error::invalid_config(option_path("command_timeout_s", t) + ": " + std::to_string(t->as_int()) +
                                   " is out of range (1.." + std::to_string(kMaxTimeoutSeconds) + " seconds)");
    }
    config.command_timeout = std::chrono::seconds(t->as_int());
  }

  const OptionValue* snap = string_option(options, "snapshot_name_template", config.snapshot_name_template);
  if (auto st =
          check_template("snapshot_name_template", snap, config.snapshot_name_template, true, config.volume_group);
      !st) {
    return st.error();
  }
  const OptionValue* vol = string_option(options, "volume_name_template", config.volume_name_template);
  if (auto st = check_template("volume_name_template", vol, config.volume_name_template, false, config.volume_group);
      !st) {
    return st.error();
  }
  return config;
}

}  // namespace snapmgr::lvm
