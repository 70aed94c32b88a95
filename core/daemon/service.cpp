#include "core/daemon/service.hpp"

#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/daemon/startup.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {

int run_service(const std::string& config_path) {
  HostSetup setup = start_host(config_path);
  if (!setup.errors.empty()) {
    for (const auto& e : setup.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "snapmgrd: not started: the configuration has errors\n";
    return 1;
  }
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    log().info("signal {} received, shutting down", signal);
    io.stop();
  });
  log().info("snapmgrd ready: host {}, {} backend(s)", setup.config.host, setup.backends->all().size());
  io.run();
  log().info("snapmgrd stopped");
  return 0;
}

}  // namespace snapmgr::core
