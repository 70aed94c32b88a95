#include "driver_harness.hpp"

#include "core/config/host_config.hpp"
#include "host/driver_options.hpp"

namespace snapmgr::testing {

TestDriverLoad load_test_driver(const std::string& plugin_path, const std::string& options_yaml,
                                const std::string& state_dir, std::chrono::milliseconds init_timeout) {
  TestDriverLoad result;
  auto load = core::load_plugin(plugin_path);
  if (!load.plugin) {
    result.error = load.error;
    return result;
  }
  auto config = core::parse_host_config("backends:\n  - name: test\n    driver: x\n    options: " + options_yaml + "\n",
                                        "test-options.yaml");
  if (!config.config) {
    result.error = core::to_string(config.errors);
    return result;
  }
  auto& backend = config.config->backends.at(0);
  auto errors = core::validate_driver_options(backend.options, *load.plugin->descriptor, "test-options.yaml",
                                              "backends[0].options", backend.line);
  if (!errors.empty()) {
    result.error = core::to_string(errors);
    return result;
  }
  auto td = std::make_unique<TestDriver>();
  td->plugin = std::move(*load.plugin);
  td->options = backend.options;
  td->context = std::make_unique<snapmgr::DriverContext>(
      snapmgr::DriverContext{td->options, td->logger, td->runner, "test@driver", state_dir});
  auto creation = core::create_driver(td->plugin, *td->context, init_timeout);
  if (!creation.driver) {
    result.error = creation.error;
    return result;
  }
  td->driver = std::move(creation.driver);
  result.driver = std::move(td);
  return result;
}

snapmgr::Call test_call(std::chrono::milliseconds timeout) {
  snapmgr::Call call;
  call.deadline = snapmgr::Call::Clock::now() + timeout;
  call.request_id = "req-test";
  return call;
}

snapmgr::StringMap source_name(const std::string& name) { return snapmgr::StringMap{{"source-name", name}}; }

}  // namespace snapmgr::testing
