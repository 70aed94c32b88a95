// Test support: load a driver plugin through the host's real loader and create it with options
// given as YAML, validated against its descriptor exactly as snapmgrd does. Driver tests talk
// to the driver only through the SDK boundary.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/logging/driver_logger.hpp"
#include "host/command_runner.hpp"
#include "host/plugin_loader.hpp"
#include "snapmgr/collect.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr::testing {

struct TestDriver {
  core::LoadedPlugin plugin;
  snapmgr::OptionValue options;
  core::DriverLogger logger{"test@driver"};
  core::ProcessCommandRunner runner;
  std::unique_ptr<snapmgr::DriverContext> context;
  core::DriverPtr driver;

  snapmgr::Driver& operator*() { return *driver; }
  snapmgr::Driver* operator->() { return driver.get(); }
};

struct TestDriverLoad {
  std::unique_ptr<TestDriver> driver;  // null on failure
  std::string error;                   // load, option or initialisation error
};

// `options_yaml` is the backend's `options:` map, e.g. "{volume_group: vg0}".
TestDriverLoad load_test_driver(const std::string& plugin_path, const std::string& options_yaml,
                                const std::string& state_dir = "/tmp",
                                std::chrono::milliseconds init_timeout = std::chrono::seconds(30));

// A call whose deadline is `timeout` from now.
snapmgr::Call test_call(std::chrono::milliseconds timeout = std::chrono::seconds(30));

// `{"source-name": name}`.
snapmgr::StringMap source_name(const std::string& name);

}  // namespace snapmgr::testing
