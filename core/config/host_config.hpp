// The host configuration (etc/snapmgr.yaml): what snapmgrd serves and with which backends.
// docs/configuration.md documents every key; keep the two in step.
//
// Loading checks the file's own structure — unknown keys, wrong types, missing required keys,
// duplicate backend names, a bad listen address — and reports every problem with file, line
// and key. Whether each backend's driver exists and accepts its options is checked later,
// against the loaded plugins (driver_options.hpp), because only the driver knows its keys.
//
// Relative paths (state_dir, policy_file, tokens_file, plugin_path, catalog.password_file,
// internal_secret_file) are kept as written and resolve against snapmgrd's working directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/logging/logging.hpp"
#include "host/config_error.hpp"
#include "snapmgr/options.hpp"

namespace snapmgr::core {

struct AuthConfig {
  std::string strategy = "noauth";  // noauth | tokens
  std::string tokens_file;          // required with `tokens`
};

// `catalog:` — a PostgreSQL catalog shared by several hosts. Absent: the SQLite catalog in
// `state_dir`. The URL never carries a password (refused at load time): the password is read
// from `password_file` when the catalog is opened, so it is in neither the config nor any message.
struct CatalogConfig {
  std::string url;            // postgresql://user@host:port/dbname[?param=value...]
  std::string password_file;  // empty: no password (trust, peer, ~/.pgpass)
  int pool_size = 4;          // connections to PostgreSQL, 1..64
  int line = 0;               // where its entries start
};

struct BackendConfig {
  std::string name;     // unique; the service key is "<host>@<name>"
  std::string driver;   // a loaded driver's name
  std::string cluster;  // optional
  std::string pool;     // the backend's one pool; default: `name` (as Cinder's LVM driver)
  bool disabled = false;
  int max_concurrent_calls = 64;  // requests and jobs that may wait on this driver at once
  // Where the driver runs: in its own worker process (crashes and hangs stay there; the default)
  // or in snapmgrd itself. The worker's limits: 0 = none.
  enum class Isolation { Process, InProcess } isolation = Isolation::Process;
  int worker_memory_limit_mib = 0;
  int worker_max_open_files = 0;
  snapmgr::OptionValue options = snapmgr::OptionValue(snapmgr::OptionValue::Map{});
  int line = 0;  // where the backend's entry starts
  int driver_line = 0;
};

struct HostConfig {
  std::string file;  // the file it was read from, for messages
  std::string host;  // default: the machine's hostname
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8776;  // 0 = any free port (logged at start-up)
  std::string state_dir = "var";
  AuthConfig auth;
  std::string policy_file;               // empty: built-in defaults (everything admin-only)
  std::vector<std::string> plugin_path;  // default: "plugins" next to the snapmgrd binary
  LogSettings log;
  int call_timeout_s = 60;               // deadline of every driver call
  int adoption_workers = 4;              // threads that run the driver's adopt steps after a 202
  int listing_max_age_ms = 1000;         // how old a backend's listing may be when reused; 0: never
  int max_connections = 0;               // open HTTP connections at once; 0: derived from the fd limit
  std::string advertise_url;             // empty: derived from the bound address (advertise_url.hpp)
  int report_interval_s = 10;            // service heartbeat period (Cinder's report_interval)
  int service_down_time_s = 60;          // a heartbeat older than this: the service is down; > report_interval_s
  std::optional<CatalogConfig> catalog;  // nullopt: SQLite in state_dir
  std::string internal_secret_file;      // the internal route's secret (internal_secret.hpp); required with `catalog`
  std::vector<BackendConfig> backends;
};

struct HostConfigLoad {
  std::optional<HostConfig> config;  // set when `errors` is empty
  ConfigErrors errors;
};

HostConfigLoad load_host_config(const std::string& path);
HostConfigLoad parse_host_config(std::string_view yaml_text, const std::string& file_name);

}  // namespace snapmgr::core
