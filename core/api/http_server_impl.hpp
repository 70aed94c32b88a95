// Internals of HttpServer (http_server.hpp), shared by http_server.cpp (listener, threads,
// shutdown) and http_session.cpp (one connection). Not part of the API component's interface.
//
// Thread-safety: a Session runs on its own strand; the Impl's session registry and in-flight
// count are guarded by `mutex`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/api/http_server.hpp"

namespace snapmgr::core::api {

class Session;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, RequestHandler handler);

  HttpServerOptions options;
  RequestHandler handler;

  // Declared before `io`: sessions destroyed while `io` is torn down still deregister here.
  std::mutex mutex;
  std::condition_variable changed;  // sessions or in-flight count changed
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  int in_flight = 0;  // requests handed to the workers and not yet written

  boost::asio::io_context io;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  boost::asio::steady_timer accept_retry{io};
  std::unique_ptr<boost::asio::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::uint16_t bound_port = 0;
  bool running = false;
  std::atomic<bool> stopping{false};

  void accept();
  void add_session(const std::shared_ptr<Session>& session);
  void remove_session(const Session* session);
  void request_started();
  void request_finished();
};

// One TCP connection: read a request, hand it to the workers, write the answer, repeat while
// the connection is kept alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, HttpServer::Impl& server);
  ~Session();

  void start();
  // Closes the connection if it is waiting for (or reading) a request; a request being handled
  // finishes first and its connection is closed after the answer.
  void shutdown_if_idle();

 private:
  void read_header();
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void refuse(boost::system::error_code ec);
  void write(HttpResponse response, bool counted);
  void linger_close();
  void drain();
  void close();

  boost::beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  std::string request_id_;
  std::string method_;
  std::string target_;
  std::chrono::steady_clock::time_point started_;
  bool busy_ = false;    // a request is being handled or its answer written
  bool linger_ = false;  // the last answer refused a request: drain before closing
};

}  // namespace snapmgr::core::api
