#include "nfs_options.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "file_names.hpp"

namespace snapmgr::nfs {
namespace {

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Every character an ASCII letter or digit or one of `punctuation`.
bool only_chars(std::string_view s, std::string_view punctuation) {
  return std::all_of(s.begin(), s.end(),
                     [punctuation](char c) { return is_alnum(c) || punctuation.find(c) != std::string_view::npos; });
}

// The server of "server:/export": a name or IPv4 address (letters, digits, ._-), or an IPv6
// address in brackets; nullopt when `text` is not of that form.
std::optional<std::string> nfs_server_of(const std::string& text) {
  std::size_t end = 0;  // one past the server
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close == 1) return std::nullopt;
    const std::string_view inside = std::string_view(text).substr(1, close - 1);
    const bool address_chars = std::all_of(inside.begin(), inside.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
    });
    if (!address_chars) return std::nullopt;
    end = close + 1;
  } else {
    end = text.find(':');
    if (end == std::string::npos || end == 0 || !only_chars(std::string_view(text).substr(0, end), "._-"))
      return std::nullopt;
  }
  if (text.compare(end, 2, ":/") != 0) return std::nullopt;
  return text.substr(0, end);
}

}  // namespace

Result<ShareSpec> parse_share(const std::string& text) {
  ShareSpec spec;
  spec.text = text;
  if (text.empty()) return Error::invalid_config("a share is empty");
  // server:/export — the server is a name or IPv4 address, or an IPv6 address in brackets.
  if (auto server = nfs_server_of(text)) {
    spec.is_nfs = true;
    spec.server = *server;
    spec.export_path = text.substr(server->size() + 1);
    if (!only_chars(spec.export_path, "._~+,=@%/-")) {
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
