#include "core/api/http_server.hpp"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "core/api/http_server_impl.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::Impl::Impl(HttpServerOptions opts, RequestHandler h) : options(std::move(opts)), handler(std::move(h)) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (options.io_threads == 0) options.io_threads = cores;
  if (options.worker_threads == 0) options.worker_threads = std::max(64u, 16 * cores);
}

void HttpServer::Impl::accept() {
  acceptor->async_accept(asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (ec) {
      // Out of descriptors or a transient failure: keep the listener alive, retry shortly.
      log().warn("accept failed: {}", ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](boost::system::error_code) {
        if (!stopping) accept();
      });
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), *this);
    add_session(session);
    session->start();
    accept();
  });
}

void HttpServer::Impl::add_session(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex);
  sessions.emplace(session.get(), session);
}

void HttpServer::Impl::remove_session(const Session* session) {
  std::lock_guard lock(mutex);
  sessions.erase(session);
  changed.notify_all();
}

void HttpServer::Impl::request_started() {
  std::lock_guard lock(mutex);
  ++in_flight;
}

void HttpServer::Impl::request_finished() {
  std::lock_guard lock(mutex);
  --in_flight;
  changed.notify_all();
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

snapmgr::Result<std::uint16_t, std::string> HttpServer::start() {
  Impl& s = *impl_;
  const std::string where = s.options.address + ":" + std::to_string(s.options.port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.options.address, ec);
  if (ec) return "cannot listen on " + where + ": not an IP address";
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.emplace(s.io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return "cannot listen on " + where + ": " + ec.message();
  }
  s.bound_port = s.acceptor->local_endpoint().port();
  s.workers = std::make_unique<asio::thread_pool>(s.options.worker_threads);
  s.accept();
  s.running = true;
  for (unsigned i = 0; i < s.options.io_threads; ++i) {
    s.io_threads.emplace_back([&s] {
      auto guard = asio::make_work_guard(s.io);
      s.io.run();
    });
  }
  log().info("HTTP API listening on {}:{} ({} I/O threads, {} request workers)", s.options.address, s.bound_port,
             s.options.io_threads, s.options.worker_threads);
  return s.bound_port;
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  s.stopping = true;
  asio::post(s.io, [&s] {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry.cancel();
  });
  auto deadline = std::chrono::steady_clock::now() + s.options.drain_timeout;
  {
    // Idle connections go now; busy ones close after writing their answer. The sessions are
    // collected under the lock but told (and released) outside it: dropping what may be the
    // last reference runs ~Session, which takes the lock.
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(s.mutex);
      for (auto& [_, weak] : s.sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (auto& session : live) session->shutdown_if_idle();
    live.clear();
    std::unique_lock lock(s.mutex);
    if (!s.changed.wait_until(lock, deadline, [&s] { return s.in_flight == 0 && s.sessions.empty(); })) {
      log().warn("shutdown: {} request(s) still running after {} ms; closing their connections", s.in_flight,
                 s.options.drain_timeout.count());
    }
  }
  s.io.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.workers->join();
  {
    std::lock_guard lock(s.mutex);
    s.sessions.clear();
  }
  s.acceptor.reset();
  log().info("HTTP API stopped");
}

}  // namespace snapmgr::core::api
