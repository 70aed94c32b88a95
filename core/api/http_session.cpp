// One connection of the HTTP server: read → hand to the workers → write → repeat.
#include <array>
#include <string_view>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/api/http_server_impl.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

namespace http = boost::beast::http;
namespace beast = boost::beast;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

void access_log(const std::string& request_id, std::string_view method, std::string_view target, unsigned status,
                double ms) {
  RequestIdScope scope(request_id);
  log().info("{} {} {} {:.1f}ms", method.empty() ? "-" : method, target.empty() ? "-" : target, status, ms);
}

// True when a line of `header` (a whole header, ending in CRLF CRLF) after the start line begins
// with SP or HTAB: a field value folded over lines (obs-fold).
bool has_obs_fold(std::string_view header) {
  const std::size_t last = header.size() - 2;  // the final CRLF ends the header, not a line
  for (auto i = header.find("\r\n"); i != std::string_view::npos && i + 2 < last; i = header.find("\r\n", i + 2)) {
    if (header[i + 2] == ' ' || header[i + 2] == '\t') return true;
  }
  return false;
}

}  // namespace

Session::Session(boost::asio::ip::tcp::socket socket, HttpServer::Impl& server)
    : stream_(std::move(socket)), server_(server), buffer_(server.options.header_limit) {}

Session::~Session() { server_.remove_session(this); }

template <class Fn>
void Session::guarded(Fn&& fn) noexcept {
  try {
    fn();
    return;
  } catch (const std::exception& e) {
    log().error("connection closed after an unexpected error while serving it: {}", e.what());
  } catch (...) {
    log().error("connection closed after an unexpected error while serving it");
  }
  if (counted_) {
    counted_ = false;
    server_.request_finished();
  }
  close();
}

void Session::start() {
  boost::asio::dispatch(stream_.get_executor(),
                        [self = shared_from_this()] { self->guarded([&] { self->read_header(); }); });
}

void Session::shutdown_if_idle() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->guarded([&] {
      if (!self->busy_) self->close();
    });
  });
}

void Session::read_header() {
  if (server_.stopping) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
  parser_->body_limit(server_.options.body_limit);
  scanned_ = 0;
  waiting_since_ = std::chrono::steady_clock::now();
  shed_ = false;
  // One deadline for the whole header, however slowly it trickles in (slowloris).
  stream_.expires_after(server_.options.header_timeout);
  read_header_bytes();
}

// The header is read as bytes until it is complete, and checked before Beast parses it: Beast
// unfolds obs-fold silently, and RFC 9112 lets a server refuse it instead, which we do. The
// buffer holds at most `header_limit` bytes, so this is also where that limit is enforced — for
// the header here, and for a chunked body's trailer and chunk headers while Beast reads the body.
void Session::read_header_bytes() {
  const std::string_view bytes(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
  const auto end = bytes.find("\r\n\r\n", scanned_);
  if (end != std::string_view::npos) return on_header_bytes(end + 4);
  scanned_ = bytes.size() < 3 ? 0 : bytes.size() - 3;
  if (buffer_.size() >= buffer_.max_size()) {
    begin_request();
    return refuse(http::error::header_limit);
  }
  const std::size_t room = std::min<std::size_t>(4096, buffer_.max_size() - buffer_.size());
  stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->guarded([&] {
      self->buffer_.commit(n);
      if (ec) {
        self->begin_request();
        return self->refuse(ec);
      }
      self->read_header_bytes();
    });
  });
}

void Session::on_header_bytes(std::size_t header_size) {
  const std::string_view header(static_cast<const char*>(buffer_.cdata().data()), header_size);
  if (has_obs_fold(header)) {
    begin_request();
    return answer_and_close(ApiError::bad_request(
        "Malformed HTTP request: a header field is folded over several lines (obs-fold), which HTTP/1.1 "
        "does not allow."));
  }
  beast::error_code ec;
  buffer_.consume(parser_->put(buffer_.data(), ec));
  if (!ec && !parser_->is_header_done()) ec = http::error::partial_message;
  on_header(ec);
}

// A request begins (or a failed attempt at one): its id, clock and names for the access log.
void Session::begin_request() {
  started_ = std::chrono::steady_clock::now();
  request_id_ = make_request_id();
  method_.clear();
  target_.clear();
  if (parser_ && parser_->is_header_done()) {
    method_ = std::string(parser_->get().method_string());
    target_ = std::string(parser_->get().target());
  }
}

void Session::on_header(beast::error_code ec) {
  begin_request();
  if (ec) return refuse(ec);
  if (server_.stopping) return close();
  const auto& header = parser_->get();
  if (header.version() >= 11) {
    const auto hosts = header.equal_range(http::field::host);
    const auto count = std::distance(hosts.first, hosts.second);
    if (count != 1) {
      return answer_and_close(ApiError::bad_request(
          count == 0 ? "Malformed HTTP request: an HTTP/1.1 request must have a Host header."
                     : "Malformed HTTP request: an HTTP/1.1 request must have exactly one Host header."));
    }
  }
  if (auto length = parser_->content_length(); length && *length > server_.options.body_limit) {
    return refuse(http::error::body_limit);
  }
  if (parser_->is_done()) return on_body({});
  if (boost::beast::iequals(header[http::field::expect], "100-continue")) {
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
    stream_.expires_after(server_.options.body_timeout);
    http::async_write(stream_, *interim, [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
      self->guarded([&] {
        if (ec) return self->close();
        self->read_body();
      });
    });
    return;
  }
  read_body();
}

void Session::read_body() {
  stream_.expires_after(server_.options.body_timeout);
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->guarded([&] { self->on_body(ec); });
  });
}

void Session::on_body(beast::error_code ec) {
  if (ec) return refuse(ec);
  stream_.expires_never();
  busy_ = true;
  counted_ = true;
  server_.request_started();
  auto request = std::make_shared<HttpRequest>(parser_->release());
  boost::asio::post(*server_.workers, [self = shared_from_this(), request] {
    HttpResponse response;
    try {
      RequestIdScope scope(self->request_id_);
      log().debug("{} {} started", self->method_, self->target_);
      response = self->server_.handler(*request, self->request_id_);
    } catch (const std::exception& e) {
      log().error("request handler failed: {}", e.what());
      response = error_response({500, ApiError::kInternal});
      finish_response(response, self->request_id_, kMinVersion);
    }
    try {
      access_log(self->request_id_, self->method_, self->target_, response.result_int(), elapsed_ms(self->started_));
    } catch (const std::exception&) {
      // a log line that cannot be written must not lose the answer
    }
    boost::asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->guarded([&] { self->write(std::move(response), true); });
    });
  });
}

// A request that cannot be served: answer what HTTP allows (413, 431, 400), then close. Closed
// or timed-out connections get no answer.
void Session::refuse(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return answer_and_close({413, "Request is too large. Larger than max_request_body_size (" +
                                      std::to_string(server_.options.body_limit) + ")."});
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    // buffer_overflow: a chunked body's trailer or chunk header outgrew the header limit.
    return answer_and_close({431, "Request header fields are too large (the limit is " +
                                      std::to_string(server_.options.header_limit) + " bytes)."});
  }
  if (ec.category() == beast::error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return answer_and_close(ApiError::bad_request("Malformed HTTP request: " + ec.message() + "."));
  }
  close();  // EOF, reset, timeout, aborted: nobody to answer
}

void Session::answer_and_close(const ApiError& error) {
  HttpResponse response = error_response(error);
  response.keep_alive(false);
  finish_response(response, request_id_, kMinVersion);
  access_log(request_id_, method_, target_, response.result_int(), elapsed_ms(started_));
  linger_ = true;
  write(std::move(response), false);
}

void Session::write(HttpResponse response, bool counted) {
  if (server_.stopping) response.keep_alive(false);
  response_ = std::make_shared<HttpResponse>(std::move(response));
  stream_.expires_after(server_.options.body_timeout);
  http::async_write(stream_, *response_, [self = shared_from_this(), counted](beast::error_code ec, std::size_t) {
    self->guarded([&] {
      bool keep_alive = !ec && self->response_->keep_alive();
      self->response_.reset();
      self->busy_ = false;
      if (counted && self->counted_) {
        self->counted_ = false;
        self->server_.request_finished();
      }
      if (keep_alive) return self->read_header();
      if (self->linger_ && !ec) return self->linger_close();
      self->close();
    });
  });
}

// After refusing a request whose rest may still be arriving: stop sending, then read and drop
// what the client still sends (briefly), so that closing does not reset the connection before
// the client has read the answer.
void Session::linger_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(2));  // for the whole drain
  drain();
}

void Session::drain() {
  auto discard = std::make_shared<std::array<char, 16384>>();
  stream_.async_read_some(boost::asio::buffer(*discard),
                          [self = shared_from_this(), discard](beast::error_code ec, std::size_t) {
                            self->guarded([&] {
                              if (ec) return self->close();
                              self->drain();
                            });
                          });
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace snapmgr::core::api
