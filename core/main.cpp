// snapmgrd: the snapmgr host service. See README.md and docs/configuration.md.
#include <csignal>
#include <iostream>

#include <boost/program_options.hpp>

#include "core/config/host_config.hpp"
#include "core/daemon/commands.hpp"
#include "core/daemon/run_daemon.hpp"
#include "snapmgr/version.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description options("snapmgrd options");
  options.add_options()("help,h", "show this help")("version", "print the version and SDK ABI")(
      "config,c", po::value<std::string>(), "run the service with this configuration file")(
      "check-config", po::value<std::string>(), "check a configuration file and its plugins, then exit")(
      "list-drivers", "print the drivers found in the plugin path and their capabilities")(
      "plugin-path", po::value<std::vector<std::string>>(), "plugin directory for --list-drivers (repeatable)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "snapmgrd: " << e.what() << "\n" << options;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "snapmgrd " << snapmgr::kSdkVersion << " (SDK ABI " << snapmgr::kAbiMajor << "." << snapmgr::kAbiMinor
              << ", " << snapmgr::kBuildFingerprint << ")\n";
    return 0;
  }
  if (vm.count("check-config")) {
    return snapmgr::core::check_config(vm["check-config"].as<std::string>(), std::cout, std::cerr);
  }
  if (vm.count("list-drivers")) {
    std::vector<std::string> dirs;
    if (vm.count("plugin-path")) dirs = vm["plugin-path"].as<std::vector<std::string>>();
    if (dirs.empty()) {
      auto load = snapmgr::core::parse_host_config("backends: []", "defaults");
      dirs = load.config->plugin_path;
    }
    return snapmgr::core::list_drivers(dirs, std::cout, std::cerr);
  }
  if (!vm.count("config")) {
    std::cerr << "snapmgrd: give -c <config file> (or --check-config, --list-drivers, --help)\n";
    return 2;
  }
  return snapmgr::core::run_daemon(vm["config"].as<std::string>());
}
