// Internals of HttpServer (http_server.hpp), shared by http_server.cpp (listener, threads,
// shutdown) and http_session.cpp (one connection). Not part of the API component's interface.
//
// Thread-safety: a Session runs on its own strand; the Impl's session registry and in-flight
// count are guarded by `mutex`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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

#include "core/api/faults.hpp"
#include "core/api/http_server.hpp"

namespace snapmgr::core::api {

class Session;

// A warning logged at most once per `interval`; the lines held back meanwhile are counted in the
// next one.
class RateLimitedWarning {
 public:
  explicit RateLimitedWarning(std::chrono::seconds interval = std::chrono::seconds(10)) : interval_(interval) {}
  // Logs "<text> (N more like it in the last Ts)" when due, else counts it.
  void warn(const std::string& text);

 private:
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  std::size_t held_back_ = 0;
};

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
  RateLimitedWarning accept_warning;
  RateLimitedWarning shed_warning;

  void accept();
  // At the connection limit: asks the connection that has waited longest for a request to
  // close. False when every connection is busy with a request.
  bool shed_longest_waiting();
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

  // For shedding, read from other threads: whether a request is being handled, since when the
  // connection has been waiting for its next request, and whether it was already asked to go.
  bool busy() const { return busy_; }
  std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }
  bool shed_requested() const { return shed_; }
  bool mark_shed() { return !shed_.exchange(true); }

 private:
  // Runs a completion handler's body; an exception closes this connection (logged) instead of
  // leaving the I/O thread.
  template <class Fn>
  void guarded(Fn&& fn) noexcept;
  void read_header();
  void read_header_bytes();
  void on_header_bytes(std::size_t header_size);
  void begin_request();
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void refuse(boost::system::error_code ec);
  void answer_and_close(const ApiError& error);
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
  std::atomic<bool> busy_{false};  // a request is being handled or its answer written
  std::atomic<std::chrono::steady_clock::time_point> waiting_since_{std::chrono::steady_clock::now()};
  std::atomic<bool> shed_{false};
  bool linger_ = false;      // the last answer refused a request: drain before closing
  bool counted_ = false;     // request_started() was called and request_finished() not yet
  std::size_t scanned_ = 0;  // how far the buffer was searched for the header's end
};

}  // namespace snapmgr::core::api
