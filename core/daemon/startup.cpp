#include "core/daemon/startup.hpp"

#include <filesystem>

#include "core/logging/logging.hpp"

namespace snapmgr::core {

HostSetup start_host(const std::string& config_path, bool configure_logging) {
  HostSetup setup;
  auto load = load_host_config(config_path);
  if (!load.config) {
    setup.errors = std::move(load.errors);
    return setup;
  }
  setup.config = std::move(*load.config);
  if (configure_logging) init_logging(setup.config.log);

  std::error_code ec;
  std::filesystem::create_directories(setup.config.state_dir, ec);
  if (ec) {
    setup.errors.push_back(
        {config_path, 0, "state_dir", "cannot create '" + setup.config.state_dir + "': " + ec.message()});
    return setup;
  }
  setup.drivers = std::make_unique<DriverRegistry>();
  setup.drivers->load_directories(setup.config.plugin_path);
  for (const auto& w : setup.drivers->warnings()) log().warn("{}", w);
  for (const auto& r : setup.drivers->refusals()) log().error("plugin refused: {}", r.reason);
  for (const auto& p : setup.drivers->plugins()) {
    log().info("driver {} {} loaded from {}", p.descriptor->name, p.descriptor->version, p.path);
  }
  setup.runner = std::make_unique<ProcessCommandRunner>();
  auto build = BackendRegistry::build(setup.config, *setup.drivers, *setup.runner);
  setup.errors = std::move(build.errors);
  setup.backends = std::move(build.registry);
  return setup;
}

}  // namespace snapmgr::core
