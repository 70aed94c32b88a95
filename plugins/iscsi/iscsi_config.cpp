#include "iscsi_config.hpp"

#include <algorithm>
#include <cctype>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

Error bad(const std::string& key, const OptionValue& v, const std::string& what) {
  return Error::invalid_config(option_path(key, v) + ": " + what);
}

bool all_of(const std::string& s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; }
bool ipv6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }

// "host" gets iSCSI's well-known port; "host:port" and "[v6]:port" stay as written.
Result<std::string> normalized_portal(const std::string& portal) {
  if (auto problem = portal_problem(portal)) return Error::invalid_config(*problem);
  const bool has_port = portal.front() == '[' ? portal.back() != ']' : portal.find(':') != std::string::npos;
  return has_port ? portal : portal + ":3260";
}

Result<std::int64_t> bounded_int(const OptionValue& options, const std::string& key, std::int64_t fallback,
                                 std::int64_t low, std::int64_t high) {
  const OptionValue* v = options.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_int()) return bad(key, *v, "expected an integer");
  if (v->as_int() < low || v->as_int() > high) {
    return bad(
        key, *v,
        "expected " + std::to_string(low) + ".." + std::to_string(high) + ", found " + std::to_string(v->as_int()));
  }
  return v->as_int();
}

Result<std::optional<ChapCredentials>> parse_chap(const OptionValue& options) {
  const OptionValue* v = options.find("chap");
  if (!v || v->is_null()) return std::optional<ChapCredentials>{};
  if (!v->is_map()) return bad("chap", *v, "expected a map {user, password}");
  ChapCredentials chap;
  for (const auto& [key, value] : v->as_map()) {
    if (key != "user" && key != "password") {
      return bad("chap." + key, value, "unknown key (chap takes user and password)");
    }
    // The password's value is never echoed, not even when it has the wrong type.
    if (!value.is_string() || value.as_string().empty()) {
      return bad("chap." + key, value, "expected a non-empty string");
    }
    (key == "user" ? chap.user : chap.password) = value.as_string();
  }
  if (chap.user.empty()) return bad("chap.user", *v, "missing (chap needs both user and password)");
  if (chap.password.empty()) return bad("chap.password", *v, "missing (chap needs both user and password)");
  return std::optional<ChapCredentials>{std::move(chap)};
}

Result<TargetPattern> parse_pattern(const OptionValue& options, const std::string& key, const char* fallback) {
  const OptionValue* v = options.find(key);
  std::string text = fallback;
  if (v && !v->is_null()) {
    if (!v->is_string()) return bad(key, *v, "expected a string (a regular expression)");
    text = v->as_string();
  }
  auto pattern = TargetPattern::compile(key, text);
  if (!pattern) return Error::invalid_config(option_path(pattern.error().message(), v));
  return pattern;
}

}  // namespace

std::optional<std::string> portal_problem(const std::string& portal) {
  const std::string shape = "portal '" + portal + "' is not host:port";
  if (portal.empty()) return "portal is empty (expected host:port)";
  std::string host = portal;
  std::string port;
  if (portal.front() == '[') {
    auto close = portal.find(']');
    if (close == std::string::npos) return shape + " (an IPv6 address needs a closing ']')";
    host = portal.substr(1, close - 1);
    std::string rest = portal.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return shape;
      port = rest.substr(1);
      if (port.empty()) return shape + " (empty port)";
    }
    if (host.empty() || !all_of(host, ipv6_char)) return shape + " (bad IPv6 address)";
  } else {
    auto colon = portal.rfind(':');
    if (colon != std::string::npos) {
      if (portal.find(':') != colon) return shape + " (write IPv6 addresses in brackets: [addr]:port)";
      host = portal.substr(0, colon);
      port = portal.substr(colon + 1);
      if (port.empty()) return shape + " (empty port)";
    }
    if (host.empty() || !all_of(host, host_char)) return shape + " (bad host name)";
  }
  if (!port.empty()) {
    if (port.size() > 5 || !all_of(port, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return shape + " (port must be 1..65535)";
    }
  }
  return std::nullopt;
}

Result<IscsiConfig> parse_iscsi_options(const OptionValue& options) {
  try {
    IscsiConfig config;
    const OptionValue* portals = options.find("portals");
    if (!portals || !portals->is_list() || portals->as_list().empty()) {
      return Error::invalid_config(option_path("portals", portals) + ": expected a non-empty list of host:port");
    }
    for (std::size_t i = 0; i < portals->as_list().size(); ++i) {
      const OptionValue& p = portals->as_list()[i];
      const std::string key = "portals[" + std::to_string(i) + "]";
      if (!p.is_string()) return bad(key, p, "expected a string host:port");
      auto portal = normalized_portal(p.as_string());
      if (!portal) return bad(key, p, portal.error().message());
      if (std::find(config.portals.begin(), config.portals.end(), *portal) != config.portals.end()) {
        return bad(key, p, "portal '" + *portal + "' is listed twice");
      }
      config.portals.push_back(*portal);
    }

    if (const OptionValue* v = options.find("initiator_name"); v && !v->is_null()) {
      if (!v->is_string()) return bad("initiator_name", *v, "expected a string");
      if (auto problem = iscsi_name_problem(v->as_string())) return bad("initiator_name", *v, *problem);
      config.initiator_name = v->as_string();
    }

    auto chap = parse_chap(options);
    if (!chap) return chap.error();
    config.chap = std::move(*chap);

    auto snapshots = parse_pattern(options, "snapshot_target_pattern", kDefaultSnapshotPattern);
    if (!snapshots) return snapshots.error();
    if (!snapshots->has_group("origin")) {
      const OptionValue* v = options.find("snapshot_target_pattern");
      return Error::invalid_config(option_path("snapshot_target_pattern", v) + " '" + snapshots->source() +
                                   "' has no named group 'origin' (write (?<origin>...) around the origin "
                                   "volume's name)");
    }
    config.snapshot_pattern = std::move(*snapshots);
    auto volumes = parse_pattern(options, "volume_target_pattern", kDefaultVolumePattern);
    if (!volumes) return volumes.error();
    config.volume_pattern = std::move(*volumes);

    auto timeout = bounded_int(options, "command_timeout_s", kDefaultCommandTimeoutS, 1, 3600);
    if (!timeout) return timeout.error();
    config.command_timeout = std::chrono::seconds(*timeout);
    auto parallel = bounded_int(options, "max_parallel_logins", kDefaultMaxParallelLogins, 1, 64);
    if (!parallel) return parallel.error();
    config.max_parallel_logins = static_cast<int>(*parallel);
    return config;
  } catch (const std::exception& e) {
    return Error::invalid_config(std::string("iscsi options: ") + e.what());
  }
}

}  // namespace snapmgr::iscsi
