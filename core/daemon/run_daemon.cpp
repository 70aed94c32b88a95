#include "core/daemon/run_daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <malloc.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/adoption/manage_service_factory.hpp"
#include "core/adoption/request_routing.hpp"
#include "core/api/api_handler.hpp"
#include "core/api/http_server.hpp"
#include "core/config/advertise_url.hpp"
#include "core/config/internal_secret.hpp"
#include "core/daemon/startup.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// Writes the bound port for tests and scripts, atomically (write, then rename).
bool write_port_file(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << port << "\n")) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

// glibc gives busy threads their own malloc arenas, up to 8 per core; with a large pool of
// request workers each arena keeps the free memory of the listings its threads once built, and
// the peak RSS grows with the thread count. One arena per core keeps it to what is in use.
void limit_malloc_arenas() {
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace

std::string port_file_path(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "snapmgrd.port").string();
}

int run_daemon(const std::string& config_path) {
  limit_malloc_arenas();
  HostSetup setup = start_host(config_path);
  if (!setup.errors.empty()) {
    for (const auto& e : setup.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "snapmgrd: not started: the configuration has errors\n";
    return 1;
  }
  auto auth = api::Authenticator::create(setup.config.auth);
  if (!auth) {
    std::cerr << setup.config.file << ": " << auth.error() << "\nsnapmgrd: not started\n";
    return 1;
  }
  auto policy = api::Policy::load(setup.config.policy_file);
  if (!policy) {
    std::cerr << policy.error() << "\nsnapmgrd: not started: the policy file has errors\n";
    return 1;
  }
  auto secret = load_internal_secret(setup.config);
  if (!secret) {
    std::cerr << setup.config.file << ": " << secret.error() << "\nsnapmgrd: not started\n";
    return 1;
  }
  auto opened = open_manage_service(setup.config, *setup.backends);
  if (!opened) {
    std::cerr << "snapmgrd: not started: " << opened.error().message << "\n";
    return 1;
  }
  std::unique_ptr<ManageService> service = std::move(opened).value();

  // Signals are caught before the server starts, so a SIGTERM during start-up still shuts down
  // cleanly.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) received = signal;
  });

  // With a shared (PostgreSQL) catalog, requests for other nodes' backends go to their owners.
  std::optional<RequestRouter> router;
  if (setup.config.catalog) router.emplace(*service, *setup.backends);
  api::MultiNode nodes;
  nodes.router = router ? &*router : nullptr;
  nodes.secret = std::move(secret).value();
  // The owner waits on its driver for at most the call deadline.
  nodes.forwarder.response_timeout = std::chrono::seconds(setup.config.call_timeout_s + 10);
  api::ApiHandler handler(*service, std::move(auth).value(), std::move(policy).value(), std::move(nodes));
  api::HttpServerOptions options;
  options.address = setup.config.listen_address;
  options.port = setup.config.listen_port;
  // In-flight requests wait on drivers for at most the call deadline.
  options.drain_timeout = std::chrono::seconds(setup.config.call_timeout_s + 5);
  options.max_connections = static_cast<std::size_t>(setup.config.max_connections);
  // Enough request workers for every backend's bulkhead to fill at once with some to spare, so
  // that requests for a healthy backend always find a worker.
  unsigned waiting = 0;
  for (const auto& backend : setup.config.backends) waiting += static_cast<unsigned>(backend.max_concurrent_calls);
  options.worker_threads = std::max({64u, 16 * std::max(1u, std::thread::hardware_concurrency()), waiting + 16});
  api::HttpServer server(options, [&handler](const api::HttpRequest& request, const std::string& request_id) {
    return handler.handle(request, request_id);
  });
  auto port = server.start();
  if (!port) {
    std::cerr << "snapmgrd: not started: " << port.error() << "\n";
    return 1;
  }
  // Registered once the API listens, so that the advertised URL carries the port actually bound;
  // the port file (what tests and scripts wait for) follows.
  const std::string advertise = advertised_url(setup.config, *port);
  if (auto st = service->register_services(advertise); !st) {
    std::cerr << "snapmgrd: not started: " << st.error().message << "\n";
    server.stop();
    return 1;
  }
  const std::string port_file = port_file_path(setup.config.state_dir);
  if (!write_port_file(port_file, *port)) {
    log().error("cannot write the port file {}: {}", port_file, std::strerror(errno));
  }
  log().info("snapmgrd ready: host {}, {} backend(s), API on http://{}:{}/v3/ (port written to {})", setup.config.host,
             setup.backends->all().size(), setup.config.listen_address, *port, port_file);

  signals_io.run();  // until SIGINT/SIGTERM
  log().info("signal {} received, shutting down", received);
  server.stop();    // stop accepting; in-flight requests finish
  service.reset();  // drains the adoption workers and closes the catalog
  std::error_code ec;
  std::filesystem::remove(port_file, ec);
  log().info("snapmgrd stopped");
  return 0;
}

}  // namespace snapmgr::core
