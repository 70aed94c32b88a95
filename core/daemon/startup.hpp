// Start-up of a host: read the config, set up logging, load the plugins, create the backends.
// Shared by `snapmgrd -c`, `--check-config` and tests that run a host in-process.
#pragma once

#include <memory>
#include <string>

#include "core/backends/backend_registry.hpp"
#include "core/config/host_config.hpp"
#include "host/command_runner.hpp"
#include "host/driver_registry.hpp"

namespace snapmgr::core {

struct HostSetup {
  HostConfig config;
  std::unique_ptr<ProcessCommandRunner> runner;  // outlives the backends (they borrow it)
  std::unique_ptr<DriverRegistry> drivers;
  std::unique_ptr<BackendRegistry> backends;
  ConfigErrors errors;  // non-empty: the host must not start
};

// Never throws; problems are in `errors` (config) or logged (down backends).
HostSetup start_host(const std::string& config_path, bool configure_logging = true);

}  // namespace snapmgr::core
