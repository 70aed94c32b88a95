#include "naming_scheme.hpp"

#include "file_names.hpp"

namespace snapmgr::nfs {
namespace {

constexpr const char* kUuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

std::string escape_regex(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// The template's text before and after its single `%s`.
Result<std::pair<std::string, std::string>> split_template(const std::string& option, const std::string& text) {
  const auto at = text.find("%s");
  if (at == std::string::npos || text.find("%s", at + 2) != std::string::npos) {
    return Error::invalid_config(option + " '" + printable(text) + "' must contain %s exactly once");
  }
  std::string sample = text.substr(0, at) + "00000000-0000-0000-0000-000000000000" + text.substr(at + 2);
  if (auto why = unsafe_file_name_reason(sample)) {
    return Error::invalid_config(option + " '" + printable(text) + "' does not give a usable file name: " + *why);
  }
  return std::pair{text.substr(0, at), text.substr(at + 2)};
}

}  // namespace

Result<NamingScheme> NamingScheme::create(const std::string& volume_name_template,
                                          const std::string& snapshot_name_template) {
  auto volume = split_template("volume_name_template", volume_name_template);
  if (!volume) return volume.error();
  auto snapshot = split_template("snapshot_name_template", snapshot_name_template);
  if (!snapshot) return snapshot.error();
  NamingScheme scheme;
  const std::string volume_regex = escape_regex(volume->first) + kUuid + escape_regex(volume->second);
  scheme.volume_ = std::regex(volume_regex);
  scheme.cinder_overlay_ = std::regex("(" + volume_regex + ")\\.(" + kUuid + ")");
  scheme.snapshot_ = std::regex(escape_regex(snapshot->first) + "(" + kUuid + ")" + escape_regex(snapshot->second));
  scheme.volume_pattern_ = volume->first + "<uuid>" + volume->second;
  return scheme;
}

bool NamingScheme::is_volume_file(std::string_view name) const {
  return std::regex_match(name.begin(), name.end(), volume_);
}

std::optional<std::string> NamingScheme::cinder_overlay_volume(std::string_view name) const {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(name.begin(), name.end(), m, cinder_overlay_)) return std::nullopt;
  return m[1].str();
}

std::optional<std::string> NamingScheme::snapshot_id_in_name(std::string_view name,
                                                             std::string_view volume_file) const {
  if (name.size() > volume_file.size() + 1 && name.substr(0, volume_file.size()) == volume_file &&
      name[volume_file.size()] == '.' && cinder_overlay_volume(name)) {
    return std::string(name.substr(volume_file.size() + 1));
  }
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_match(name.begin(), name.end(), m, snapshot_)) return m[1].str();
  return std::nullopt;
}

}  // namespace snapmgr::nfs
