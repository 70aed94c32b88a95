#include "nfs_options.hpp"

#include <filesystem>
#include <regex>
#include <set>

#include "file_names.hpp"

namespace snapmgr::nfs {

Result<ShareSpec> parse_share(const std::string& text) {
  ShareSpec spec;
  spec.text = text;
  if (text.empty()) return Error::invalid_config("a share is empty");
  // server:/export — the server is a name or IPv4 address, or an IPv6 address in brackets.
  static const std::regex kNfsShare(R"(^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(/.*)$)");
  std::smatch m;
  if (std::regex_match(text, m, kNfsShare)) {
    spec.is_nfs = true;
    spec.server = m[1].str();
    spec.export_path = m[2].str();
    static const std::regex kExportPath(R"(^/[A-Za-z0-9._~+,=@%/-]*$)");
    if (!std::regex_match(spec.export_path, kExportPath)) {
      return Error::invalid_config("share '" + printable(text) +
                                   "': the export path may only hold letters, digits and ._~+,=@%/-");
    }
    return spec;
  }
  if (text.find('\0') != std::string::npos) return Error::invalid_config("a share contains a NUL byte");
  std::error_code ec;
  std::filesystem::path directory = std::filesystem::absolute(text, ec);
  if (ec) return Error::invalid_config("share '" + printable(text) + "': " + ec.message());
  spec.directory = directory.lexically_normal().string();
  while (spec.directory.size() > 1 && spec.directory.back() == '/') spec.directory.pop_back();
  return spec;
}

Result<NfsConfig> parse_nfs_options(const OptionValue& options) {
  NfsConfig config;
  const OptionValue* shares = options.find("shares");
  if (!shares || !shares->is_list() || shares->as_list().empty()) {
    return Error::invalid_config("shares: at least one share (server:/export or a directory) is required");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < shares->as_list().size(); ++i) {
    const OptionValue& item = shares->as_list()[i];
    const std::string key = "shares[" + std::to_string(i) + "]";
    if (!item.is_string())
      return Error::invalid_config(option_path(key, item) + ": expected a string (server:/export or a directory)");
    auto spec = parse_share(item.as_string());
    if (!spec) return Error::invalid_config(option_path(key, item) + ": " + spec.error().message());
    if (!seen.insert(spec->is_nfs ? spec->server + ":" + spec->export_path : spec->directory).second) {
      return Error::invalid_config(option_path(key, item) + ": share '" + printable(spec->text) + "' is listed twice");
    }
    config.shares.push_back(std::move(*spec));
  }
  if (const auto* v = options.find("nfs_version"); v && !v->is_null()) {
    if (!v->is_int() || (v->as_int() != 3 && v->as_int() != 4)) {
      return Error::invalid_config(option_path("nfs_version", *v) + ": expected 3 or 4");
    }
    config.nfs_version = static_cast<int>(v->as_int());
  }
  if (const auto* v = options.find("nfs_port"); v && !v->is_null()) {
    if (!v->is_int() || v->as_int() < 1 || v->as_int() > 65535) {
      return Error::invalid_config(option_path("nfs_port", *v) + ": expected a port number from 1 to 65535");
    }
    config.nfs_port = static_cast<int>(v->as_int());
  }
  if (const auto* v = options.find("command_timeout_s"); v && !v->is_null()) {
    if (!v->is_int() || v->as_int() < 1 || v->as_int() > 3600) {
      return Error::invalid_config(option_path("command_timeout_s", *v) + ": expected an integer from 1 to 3600");
    }
    config.command_timeout = std::chrono::seconds(v->as_int());
  }
  if (const auto* v = options.find("volume_name_template"); v && v->is_string())
    config.volume_name_template = v->as_string();
  if (const auto* v = options.find("snapshot_name_template"); v && v->is_string()) {
    config.snapshot_name_template = v->as_string();
  }
  if (auto naming = NamingScheme::create(config.volume_name_template, config.snapshot_name_template); !naming) {
    return naming.error();
  }
  return config;
}

}  // namespace snapmgr::nfs
