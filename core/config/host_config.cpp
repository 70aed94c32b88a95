#include "core/config/host_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>
#include <boost/asio/ip/address.hpp>

#include "core/config/advertise_url.hpp"
#include "host/text_checks.hpp"
#include "host/yaml_values.hpp"

namespace snapmgr::core {
namespace {

using snapmgr::OptionValue;

// Walks the parsed document, recording errors with file, line and key path.
class Checker {
 public:
  Checker(std::string file, ConfigErrors& errors) : file_(std::move(file)), errors_(errors) {}

  void error(int line, const std::string& key, const std::string& message) {
    errors_.push_back({file_, line, key, message});
  }

  // Reports members of `map` not in `allowed`.
  void only_keys(const OptionValue& map, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : map.as_map()) {
      bool known = false;
      for (auto a : allowed) known = known || a == key;
      if (!known) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error(value.line() ? value.line() : map.line(), join(path, key), "unknown key (accepted: " + list + ")");
      }
    }
  }

  // The member, checked against `type`; nullptr when absent, null, or of the wrong type.
  const OptionValue* get(const OptionValue& map, const std::string& path, std::string_view key,
                         snapmgr::OptionType type, bool required = false) {
    const OptionValue* v = map.find(key);
    if (!v || v->is_null()) {
      if (required) error(map.line(), join(path, key), "missing required key");
      return nullptr;
    }
    if (!v->matches(type)) {
      error(v->line(), join(path, key),
            "expected " + with_article(snapmgr::to_string(type)) + ", found " + with_article(kind_name(*v)));
      return nullptr;
    }
    return v;
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

 private:
  std::string file_;
  ConfigErrors& errors_;
};

std::string machine_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// "plugins" next to the snapmgrd binary (a build tree), else ../lib/snapmgr/plugins (installed).
std::string default_plugin_dir() {
  char buf[4096] = {};
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "plugins";
  std::string exe_dir(buf, static_cast<std::size_t>(n));
  exe_dir = exe_dir.substr(0, exe_dir.find_last_of('/'));
  std::error_code ec;
  if (std::filesystem::is_directory(exe_dir + "/plugins", ec)) return exe_dir + "/plugins";
  return exe_dir + "/../lib/snapmgr/plugins";
}

void parse_listen(Checker& c, const OptionValue& v, HostConfig& config) {
  const std::string& text = v.as_string();
  // <address>:<port>, the address optionally in brackets (IPv6); the port 1-5 digits.
  const auto colon = text.rfind(':');
  std::string_view address_text = std::string_view(text).substr(0, colon == std::string::npos ? 0 : colon);
  const std::string_view port_text =
      colon == std::string::npos ? std::string_view() : std::string_view(text).substr(colon + 1);
  if (address_text.size() >= 2 && address_text.front() == '[' && address_text.back() == ']')
    address_text = address_text.substr(1, address_text.size() - 2);
  boost::system::error_code ec;
  if (is_name_of(address_text, ":.", 255) && is_digits(port_text) && port_text.size() <= 5) {
    auto address = boost::asio::ip::make_address(address_text, ec);
    long port = std::stol(std::string(port_text));
    if (!ec && port <= 65535) {
      config.listen_address = address.to_string();
      config.listen_port = static_cast<std::uint16_t>(port);
      return;
    }
  }
  c.error(v.line(), "listen",
          "bad listen address '" + text + "': expected <ip>:<port>, e.g. 127.0.0.1:8776 or [::1]:8776");
}

// `isolation: process | in_process` and `worker: {memory_limit_mib, max_open_files}`.
void parse_isolation(Checker& c, const OptionValue& entry, const std::string& path, BackendConfig& b) {
  using T = snapmgr::OptionType;
  // SNAPMGR_ISOLATION=process|in_process: the default for backends that do not say (the test
  // suite runs in both modes); otherwise process.
  if (const char* mode = std::getenv("SNAPMGR_ISOLATION"); mode && std::string_view(mode) == "in_process")
    b.isolation = BackendConfig::Isolation::InProcess;
  if (auto* v = c.get(entry, path, "isolation", T::String)) {
    if (v->as_string() == "process")
      b.isolation = BackendConfig::Isolation::Process;
    else if (v->as_string() == "in_process")
      b.isolation = BackendConfig::Isolation::InProcess;
    else
      c.error(v->line(), path + ".isolation", "'" + v->as_string() + "' is not process or in_process");
  }
  const OptionValue* worker = c.get(entry, path, "worker", T::Map);
  if (!worker) return;
  const std::string wpath = path + ".worker";
  c.only_keys(*worker, wpath, {"memory_limit_mib", "max_open_files"});
  if (auto* v = c.get(*worker, wpath, "memory_limit_mib", T::Integer)) {
    if (v->as_int() < 64 || v->as_int() > 1048576)
      c.error(v->line(), wpath + ".memory_limit_mib", "must be between 64 and 1048576");
    else
      b.worker_memory_limit_mib = static_cast<int>(v->as_int());
  }
  if (auto* v = c.get(*worker, wpath, "max_open_files", T::Integer)) {
    if (v->as_int() < 16 || v->as_int() > 1048576)
      c.error(v->line(), wpath + ".max_open_files", "must be between 16 and 1048576");
    else
      b.worker_max_open_files = static_cast<int>(v->as_int());
  }
}

void parse_backend(Checker& c, const OptionValue& entry, std::size_t index, HostConfig& config,
                   std::map<std::string, int>& seen) {
  const std::string path = "backends[" + std::to_string(index) + "]";
  if (!entry.is_map()) {
    c.error(entry.line(), path,
            "expected a map with name, driver and options, found " + with_article(kind_name(entry)));
    return;
  }
  c.only_keys(
      entry, path,
      {"name", "driver", "cluster", "pool", "disabled", "max_concurrent_calls", "isolation", "worker", "options"});
  BackendConfig b;
  b.line = entry.line();
  if (auto* v = c.get(entry, path, "name", snapmgr::OptionType::String, true)) {
    if (!is_name_of(v->as_string(), "_.-", 64)) {
      c.error(v->line(), path + ".name",
              "'" + v->as_string() + "' is not a valid backend name (1-64 of A-Z a-z 0-9 _ . -)");
    } else if (auto it = seen.find(v->as_string()); it != seen.end()) {
      c.error(
          v->line(), path + ".name",
          "duplicate backend name '" + v->as_string() + "' (first defined on line " + std::to_string(it->second) + ")");
    } else {
      seen.emplace(v->as_string(), v->line());
    }
    b.name = v->as_string();
  }
  if (auto* v = c.get(entry, path, "driver", snapmgr::OptionType::String, true)) {
    b.driver = v->as_string();
    b.driver_line = v->line();
  }
  if (auto* v = c.get(entry, path, "cluster", snapmgr::OptionType::String)) b.cluster = v->as_string();
  // Cinder's LVM driver names its one pool after the backend; the pool is the part after '#'
  // in a volume's host, so it must not be empty or contain '#' or '@'.
  if (auto* v = c.get(entry, path, "pool", snapmgr::OptionType::String)) {
    if (!is_name_of(v->as_string(), "_.:-", 255)) {
      c.error(v->line(), path + ".pool",
              "'" + v->as_string() + "' is not a valid pool name (1-255 of A-Z a-z 0-9 _ . : -)");
    }
    b.pool = v->as_string();
  } else {
    b.pool = b.name;
  }
  if (auto* v = c.get(entry, path, "disabled", snapmgr::OptionType::Boolean)) b.disabled = v->as_bool();
  if (auto* v = c.get(entry, path, "max_concurrent_calls", snapmgr::OptionType::Integer)) {
    if (v->as_int() < 1 || v->as_int() > 1024)
      c.error(v->line(), path + ".max_concurrent_calls", "must be between 1 and 1024");
    else
      b.max_concurrent_calls = static_cast<int>(v->as_int());
  }
  parse_isolation(c, entry, path, b);
  if (auto* v = c.get(entry, path, "options", snapmgr::OptionType::Map)) b.options = *v;
  config.backends.push_back(std::move(b));
}

// advertise_url, report_interval_s and service_down_time_s (the service registry, Cinder's
// report_interval and service_down_time): a heartbeat period that is not shorter than the down
// time would show live services as down.
void check_service_registry(Checker& c, const OptionValue& doc, HostConfig& config) {
  using T = snapmgr::OptionType;
  if (auto* v = c.get(doc, "", "advertise_url", T::String)) {
    if (auto problem = advertise_url_problem(v->as_string()))
      c.error(v->line(), "advertise_url", *problem);
    else
      config.advertise_url = v->as_string();
  }
  const OptionValue* interval = c.get(doc, "", "report_interval_s", T::Integer);
  if (interval) {
    if (interval->as_int() < 1 || interval->as_int() > 3600) {
      c.error(interval->line(), "report_interval_s", "must be between 1 and 3600");
      interval = nullptr;
    } else {
      config.report_interval_s = static_cast<int>(interval->as_int());
    }
  }
  const OptionValue* down = c.get(doc, "", "service_down_time_s", T::Integer);
  if (down) {
    if (down->as_int() < 2 || down->as_int() > 86400) {
      c.error(down->line(), "service_down_time_s", "must be between 2 and 86400");
      return;
    }
    config.service_down_time_s = static_cast<int>(down->as_int());
  }
  if (config.service_down_time_s > config.report_interval_s) return;
  const std::string both = " (report_interval_s " + std::to_string(config.report_interval_s) +
                           ", service_down_time_s " + std::to_string(config.service_down_time_s) + ")";
  if (down) {
    c.error(down->line(), "service_down_time_s", "must be greater than report_interval_s" + both);
  } else if (interval) {
    c.error(interval->line(), "report_interval_s", "must be less than service_down_time_s" + both);
  }
}

// `catalog: {url, password_file, pool_size}`. The URL is never quoted back in a message: a
// refused one may hold a password.
void parse_catalog(Checker& c, const OptionValue& v, HostConfig& config) {
  using T = snapmgr::OptionType;
  c.only_keys(v, "catalog", {"url", "password_file", "pool_size"});
  CatalogConfig catalog;
  catalog.line = v.line();
  if (auto* u = c.get(v, "catalog", "url", T::String, true)) {
    const std::string& url = u->as_string();
    const bool postgres_scheme = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
    const bool has_space = std::any_of(url.begin(), url.end(), [](unsigned char ch) { return std::isspace(ch); });
    // userinfo = what precedes the last '@' of the authority (up to the first '/', '?' or '#').
    const std::string authority = url.substr(0, url.find_first_of("/?#", url.find("://") + 3));
    const auto at = authority.rfind('@');
    const bool password_in_userinfo =
        at != std::string::npos && authority.substr(0, at).find(':', authority.find("://") + 3) != std::string::npos;
    const bool password_param =
        url.find("?password=") != std::string::npos || url.find("&password=") != std::string::npos;
    if (!postgres_scheme || has_space) {
      c.error(u->line(), "catalog.url", "expected a PostgreSQL URL: postgresql://user@host:port/dbname (no spaces)");
    } else if (password_in_userinfo || password_param) {
      c.error(u->line(), "catalog.url",
              "the URL must not contain a password: put the password in a file and name it in "
              "catalog.password_file");
    }
    catalog.url = url;
  }
  if (auto* f = c.get(v, "catalog", "password_file", T::String)) {
    if (f->as_string().empty()) c.error(f->line(), "catalog.password_file", "must not be empty");
    catalog.password_file = f->as_string();
  }
  if (auto* n = c.get(v, "catalog", "pool_size", T::Integer)) {
    if (n->as_int() < 1 || n->as_int() > 64)
      c.error(n->line(), "catalog.pool_size", "must be between 1 and 64");
    else
      catalog.pool_size = static_cast<int>(n->as_int());
  }
  config.catalog = std::move(catalog);
}

void check_document(Checker& c, const OptionValue& doc, HostConfig& config) {
  using T = snapmgr::OptionType;
  if (!doc.is_map()) {
    c.error(doc.line(), "", "the configuration must be a map of keys (host, listen, backends, ...)");
    return;
  }
  c.only_keys(doc, "",
              {"host", "listen", "state_dir", "auth", "policy_file", "plugin_path", "log", "call_timeout_s",
               "adoption_workers", "listing_max_age_ms", "max_connections", "catalog", "backends", "advertise_url",
               "report_interval_s", "service_down_time_s", "internal_secret_file"});
  if (auto* v = c.get(doc, "", "host", T::String)) {
    if (!is_name_of(v->as_string(), "_.-", 255)) {
      c.error(v->line(), "host",
              "'" + v->as_string() + "' is not a valid host name (A-Z a-z 0-9 _ . -; no '@' or '#')");
    }
    config.host = v->as_string();
  }
  if (auto* v = c.get(doc, "", "listen", T::String)) parse_listen(c, *v, config);
  if (auto* v = c.get(doc, "", "state_dir", T::String)) config.state_dir = v->as_string();
  if (auto* v = c.get(doc, "", "policy_file", T::String)) config.policy_file = v->as_string();
  if (auto* v = c.get(doc, "", "plugin_path", T::List)) {
    for (std::size_t i = 0; i < v->as_list().size(); ++i) {
      const auto& item = v->as_list()[i];
      if (item.is_string()) {
        config.plugin_path.push_back(item.as_string());
      } else {
        c.error(item.line() ? item.line() : v->line(), "plugin_path[" + std::to_string(i) + "]",
                "expected a string (a directory), found " + with_article(kind_name(item)));
      }
    }
  }
  if (auto* v = c.get(doc, "", "auth", T::Map)) {
    c.only_keys(*v, "auth", {"strategy", "tokens_file"});
    if (auto* s = c.get(*v, "auth", "strategy", T::String)) {
      if (s->as_string() != "noauth" && s->as_string() != "tokens") {
        c.error(s->line(), "auth.strategy", "unknown strategy '" + s->as_string() + "' (accepted: noauth, tokens)");
      }
      config.auth.strategy = s->as_string();
    }
    if (auto* f = c.get(*v, "auth", "tokens_file", T::String)) config.auth.tokens_file = f->as_string();
    if (config.auth.strategy == "tokens" && config.auth.tokens_file.empty()) {
      c.error(v->line(), "auth.tokens_file", "missing required key (strategy 'tokens' needs a tokens file)");
    }
  }
  if (auto* v = c.get(doc, "", "log", T::Map)) {
    c.only_keys(*v, "log", {"level", "format"});
    if (auto* l = c.get(*v, "log", "level", T::String)) {
      if (!is_valid_log_level(l->as_string())) {
        c.error(l->line(), "log.level",
                "unknown level '" + l->as_string() + "' (accepted: debug, info, warning, error)");
      }
      config.log.level = l->as_string();
    }
    if (auto* f = c.get(*v, "log", "format", T::String)) {
      if (!is_valid_log_format(f->as_string())) {
        c.error(f->line(), "log.format", "unknown format '" + f->as_string() + "' (accepted: text, json)");
      }
      config.log.format = f->as_string();
    }
  }
  if (auto* v = c.get(doc, "", "call_timeout_s", T::Integer)) {
    if (v->as_int() < 1 || v->as_int() > 3600)
      c.error(v->line(), "call_timeout_s", "must be between 1 and 3600");
    else
      config.call_timeout_s = static_cast<int>(v->as_int());
  }
  if (auto* v = c.get(doc, "", "adoption_workers", T::Integer)) {
    if (v->as_int() < 1 || v->as_int() > 256)
      c.error(v->line(), "adoption_workers", "must be between 1 and 256");
    else
      config.adoption_workers = static_cast<int>(v->as_int());
  }
  if (auto* v = c.get(doc, "", "listing_max_age_ms", T::Integer)) {
    if (v->as_int() < 0 || v->as_int() > 60000)
      c.error(v->line(), "listing_max_age_ms", "must be between 0 and 60000");
    else
      config.listing_max_age_ms = static_cast<int>(v->as_int());
  }
  if (auto* v = c.get(doc, "", "max_connections", T::Integer)) {
    if (v->as_int() < 0 || v->as_int() > 1000000)
      c.error(v->line(), "max_connections", "must be between 0 and 1000000");
    else
      config.max_connections = static_cast<int>(v->as_int());
  }
  check_service_registry(c, doc, config);
  if (auto* v = c.get(doc, "", "catalog", T::Map)) parse_catalog(c, *v, config);
  if (auto* v = c.get(doc, "", "internal_secret_file", T::String)) {
    if (v->as_string().empty()) c.error(v->line(), "internal_secret_file", "must not be empty");
    config.internal_secret_file = v->as_string();
  }
  if (auto* v = c.get(doc, "", "backends", T::List, true)) {
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < v->as_list().size(); ++i) parse_backend(c, v->as_list()[i], i, config, seen);
  }
}

}  // namespace

HostConfigLoad parse_host_config(std::string_view yaml_text, const std::string& file_name) {
  HostConfigLoad result;
  OptionValue doc;
  try {
    doc = to_option_value(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    result.errors.push_back({file_name, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "not valid YAML: " + e.msg});
    return result;
  }
  HostConfig config;
  config.file = file_name;
  Checker checker(file_name, result.errors);
  check_document(checker, doc, config);
  if (config.host.empty()) config.host = machine_hostname();
  if (config.plugin_path.empty()) config.plugin_path.push_back(default_plugin_dir());
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

HostConfigLoad load_host_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    HostConfigLoad result;
    result.errors.push_back({path, 0, "", "cannot read the file: " + std::string(std::strerror(errno))});
    return result;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_host_config(buffer.str(), path);
}

}  // namespace snapmgr::core
