#include "core/api/http_server.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <sys/resource.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "core/api/http_server_impl.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::size_t default_max_connections() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 65536;
  const auto soft = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t reserved = std::max<std::size_t>(64, soft / 4);
  return std::max<std::size_t>(16, soft > reserved ? soft - reserved : 0);
}

void RateLimitedWarning::warn(const std::string& text) {
  std::size_t held;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (last_ && now - *last_ < interval_) {
      ++held_back_;
      return;
    }
    last_ = now;
    held = std::exchange(held_back_, 0);
  }
  if (held == 0)
    log().warn("{}", text);
  else
    log().warn("{} ({} more like it in the last {}s)", text, held, interval_.count());
}

HttpServer::Impl::Impl(HttpServerOptions opts, RequestHandler h) : options(std::move(opts)), handler(std::move(h)) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (options.io_threads == 0) options.io_threads = cores;
  if (options.worker_threads == 0) options.worker_threads = std::max(64u, 16 * cores);
  if (options.max_connections == 0) options.max_connections = default_max_connections();
}

void HttpServer::Impl::accept() {
  acceptor->async_accept(asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (ec) {
      // Out of descriptors or a transient failure: keep the listener alive, retry shortly, and
      // give back a descriptor held by a connection that is only waiting.
      accept_warning.warn("accept failed: " + ec.message());
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE) shed_longest_waiting();
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](boost::system::error_code) {
        if (!stopping) accept();
      });
      return;
    }
    std::size_t open;
    {
      std::lock_guard lock(mutex);
      open = sessions.size();
    }
    if (open >= options.max_connections) {
      if (!shed_longest_waiting()) {
        shed_warning.warn("connection limit (" + std::to_string(options.max_connections) +
                          ") reached and every connection is busy with a request: a new connection was closed");
        boost::system::error_code ignored;
        socket.close(ignored);
        return accept();
      }
      shed_warning.warn("connection limit (" + std::to_string(options.max_connections) +
                        ") reached: closed the connection that had waited longest for a request");
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), *this);
    add_session(session);
    session->start();
    accept();
  });
}

bool HttpServer::Impl::shed_longest_waiting() {
  // Every session looked at is released outside the lock, as in stop(): dropping what may be
  // the last reference runs ~Session, which takes the lock (under it, that deadlocked the I/O
  // thread and so the acceptor).
  std::vector<std::shared_ptr<Session>> looked_at;
  std::shared_ptr<Session> oldest;
  {
    std::lock_guard lock(mutex);
    looked_at.reserve(sessions.size());
    for (auto& [_, weak] : sessions) {
      auto session = weak.lock();
      if (!session) continue;
      const bool candidate = !session->busy() && !session->shed_requested() &&
                             (!oldest || session->waiting_since() < oldest->waiting_since());
      if (candidate) oldest = session;
      looked_at.push_back(std::move(session));
    }
  }
  if (!oldest || !oldest->mark_shed()) return false;
  oldest->shutdown_if_idle();
  return true;
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
      // Sessions catch what their handlers throw; this is the net under that net: an I/O
      // thread never ends while the server runs.
      for (;;) {
        try {
          s.io.run();
          return;
        } catch (const std::exception& e) {
          log().error("HTTP I/O thread: unexpected error, carrying on: {}", e.what());
        } catch (...) {
          log().error("HTTP I/O thread: unexpected error, carrying on");
        }
      }
    });
  }
  log().info("HTTP API listening on {}:{} ({} I/O threads, {} request workers, at most {} connections)",
             s.options.address, s.bound_port, s.options.io_threads, s.options.worker_threads,
             s.options.max_connections);
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
