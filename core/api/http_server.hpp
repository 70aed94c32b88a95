// The HTTP/1.1 server of the REST API, on Boost.Beast/Asio.
//
// Threads: `io_threads` run the sockets (accept, read, write) and never block; every complete
// request is handed to a separate pool of `worker_threads`, because handlers call the service,
// which may wait on a backend for up to the call deadline. The response goes back to the
// connection's strand to be written. Connections are kept alive as HTTP/1.1 asks.
//
// Limits (each answered, then the connection is closed):
//   body larger than `body_limit` (1 MiB)   → 413 overLimit, Retry-After: 0 (before reading it
//                                              when Content-Length announces it);
//   header larger than `header_limit`        → 431 computeFault; the same limit holds for a
//                                              chunked body's trailer and each chunk header;
//   anything that is not HTTP                → 400 badRequest, and so are (RFC 9112) an HTTP/1.1
//                                              request without exactly one Host field and a
//                                              header folded over lines (obs-fold);
//   header not complete within `header_timeout` (slowloris), body not within `body_timeout`,
//   connection idle that long between requests → closed without an answer.
// Connections: at most `max_connections` are open at once (0: derived from the open-file
// limit, see default_max_connections). One more makes room by closing the connection that has
// waited longest for a request; when all are busy the new one is closed. Failures to accept
// (out of descriptors) and shed connections are logged at most once every 10 s.
// Errors: an exception escaping a connection's handler closes that connection and is logged;
// it never ends an I/O thread.
// Every request, answered or refused, gets a request id (make_request_id), and one access-log
// line (method, target, status, duration) logged under that id; the handler runs inside a
// RequestIdScope so every line it logs carries the id too.
//
// Shutdown (stop(), also from the destructor): stop accepting; close idle connections; let
// requests already being handled finish and write their responses (with Connection: close),
// waiting at most `drain_timeout`; then stop the I/O threads and join the workers.
//
// Ownership: the server owns its threads and connections; the handler is copied in and must
// stay callable until stop() returns. Thread-safety: start()/stop() from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/api/responses.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

using RequestHandler = std::function<HttpResponse(const HttpRequest& request, const std::string& request_id)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8776;    // 0: any free port (see HttpServer::port())
  unsigned io_threads = 0;      // 0: the number of cores
  unsigned worker_threads = 0;  // 0: max(64, 16 × cores): most of them wait (on a listing
                                //    fetch or a backend), so a small pool would serialise them
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::size_t max_connections = 0;  // 0: default_max_connections()
  std::chrono::milliseconds header_timeout{30000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds drain_timeout{90000};
};

// The soft RLIMIT_NOFILE less a quarter of it (at least 64) for everything else the process
// opens: 384 at 512, 768 at 1,024; at least 16.
std::size_t default_max_connections();

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Returns the bound port, or a message naming the
  // address and the cause ("cannot listen on 127.0.0.1:8776: Address already in use").
  snapmgr::Result<std::uint16_t, std::string> start();
  std::uint16_t port() const;
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace snapmgr::core::api
