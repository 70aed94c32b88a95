// snapmgrd: the snapmgr host service. See README.md and docs/configuration.md.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include <boost/program_options.hpp>

#include "core/config/host_config.hpp"
#include "core/daemon/commands.hpp"
#include "core/daemon/run_daemon.hpp"
#include "host/isolation/driver_worker.hpp"
#include "snapmgr/version.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  // A backend's driver worker, started by snapmgrd itself (host/isolation/): not a user option.
  if (argc == 3 && std::string_view(argv[1]) == "--driver-worker")
    return snapmgr::core::run_driver_worker(std::atoi(argv[2]));
  po::options_description options("snapmgrd options");
  options.add_options()("help,h", "show this help")("version", "print the version and SDK ABI")(
      "config,c", po::value<std::string>(), "run the service with this configuration file")(
      "check-config", po::value<std::string>(), "check a configuration file and its plugins, then exit")(
      "list-drivers", "print the drivers found in the plugin path and their capabilities")(
      "plugin-path", po::value<std::vector<std::string>>(), "plugin directory for --list-drivers (repeatable)")(
      "copy-catalog", po::value<std::vector<std::string>>()->multitoken(),
      "<sqlite file> <postgresql url>: copy a single node's SQLite catalog into an empty PostgreSQL database "
      "(stop the node first; see docs/configuration.md), then exit")(
      "password-file", po::value<std::string>(),
      "for --copy-catalog: a file whose first line is the PostgreSQL password");
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
  if (vm.count("copy-catalog")) {
    const auto& args = vm["copy-catalog"].as<std::vector<std::string>>();
    if (args.size() != 2) {
      std::cerr << "snapmgrd: --copy-catalog takes two arguments: <sqlite file> <postgresql url>\n";
      return 2;
    }
    const std::string password_file = vm.count("password-file") ? vm["password-file"].as<std::string>() : "";
    return snapmgr::core::copy_catalog_to_postgres(args[0], args[1], password_file, std::cout, std::cerr);
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
    std::cerr << "snapmgrd: give -c <config file> (or --check-config, --list-drivers, --copy-catalog, --help)\n";
    return 2;
  }
  return snapmgr::core::run_daemon(vm["config"].as<std::string>());
}
