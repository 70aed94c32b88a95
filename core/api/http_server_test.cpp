// The HTTP server with a plain handler: threads, limits, timeouts, request ids, shutdown.
#include "core/api/http_server.hpp"

#include <future>
#include <thread>

#include <sys/resource.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking client connection.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  HttpResponse request(http::verb method, const std::string& target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket_, req);
    return read();
  }

  HttpResponse read() {
    HttpResponse res;
    http::read(socket_, buffer_, res);
    return res;
  }

  void send_raw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // True when the server closed the connection (read returns EOF/reset) without sending more.
  bool closed_by_server() {
    char c;
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(&c, 1), ec);
    return n == 0 && ec;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

HttpResponse echo(const HttpRequest& req, const std::string& request_id) {
  HttpResponse res = json_response(
      200,
      {{"target", std::string(req.target())}, {"logged_id", current_request_id()}, {"body_size", req.body().size()}});
  res.keep_alive(req.keep_alive());
  finish_response(res, request_id, kMinVersion);
  return res;
}

HttpServerOptions test_options() {
  HttpServerOptions o;
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 2;
  o.body_limit = 1024;
  o.header_limit = 2048;
  o.header_timeout = 500ms;
  o.body_timeout = 500ms;
  o.drain_timeout = 10s;
  return o;
}

TEST(HttpServer, ListensOnAFreePortAndKeepsConnectionsAlive) {
  HttpServer server(test_options(), echo);
  auto port = server.start();
  ASSERT_TRUE(port.ok()) << port.error();
  EXPECT_NE(*port, 0);
  EXPECT_EQ(server.port(), *port);
  Client c(*port);
  auto first = c.request(http::verb::get, "/a?x=1");
  auto second = c.request(http::verb::get, "/b");  // same connection
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(boost::json::parse(second.body()).at("target").as_string(), "/b");
  std::string id1(first["x-openstack-request-id"]);
  std::string id2(second["x-openstack-request-id"]);
  EXPECT_THAT(id1, ::testing::MatchesRegex("req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(id1, id2);
  // The handler ran inside the request's RequestIdScope.
  EXPECT_EQ(boost::json::parse(first.body()).at("logged_id").as_string(), id1);
}

TEST(HttpServer, SecondServerOnTheSamePortFailsWithAClearMessage) {
  HttpServer first(test_options(), echo);
  auto port = first.start();
  ASSERT_TRUE(port.ok());
  auto options = test_options();
  options.port = *port;
  HttpServer second(options, echo);
  auto r = second.start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot listen on 127.0.0.1:" + std::to_string(*port)), std::string::npos) << r.error();
}

TEST(HttpServer, OversizeBodyIs413OverLimit) {
  HttpServer server(test_options(), echo);
  auto port = *server.start();
  Client c(port);
  auto res = c.request(http::verb::post, "/x", std::string(1025, 'a'), {{"Content-Type", "application/json"}});
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(res["Retry-After"], "0");
  auto body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("overLimit").at("code").as_int64(), 413);
  EXPECT_EQ(body.at("overLimit").at("retryAfter").as_string(), "0");
  EXPECT_FALSE(res["x-openstack-request-id"].empty());
  // A body of exactly the limit is served.
  Client ok(port);
  EXPECT_EQ(ok.request(http::verb::post, "/x", std::string(1024, 'a')).result_int(), 200);
}

TEST(HttpServer, ChunkedOversizeBodyIs413) {
  HttpServer server(test_options(), echo);
  Client c(*server.start());
  std::string chunk(800, 'b');
  c.send_raw("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" +
             chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(c.read().result_int(), 413);
}

TEST(HttpServer, HugeHeaderIs431AndGarbageIs400) {
  HttpServer server(test_options(), echo);
  auto port = *server.start();
  Client big(port);
  auto res = big.request(http::verb::get, "/x", {}, {{"X-Big", std::string(4000, 'h')}});
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_TRUE(boost::json::parse(res.body()).as_object().contains("computeFault"));
  Client garbage(port);
  garbage.send_raw("\x16\x03\x01 this is not HTTP\r\n\r\n");
  auto bad = garbage.read();
  EXPECT_EQ(bad.result_int(), 400);
  EXPECT_EQ(boost::json::parse(bad.body()).at("badRequest").at("code").as_int64(), 400);
  EXPECT_TRUE(garbage.closed_by_server());
}

TEST(HttpServer, SlowHeadersAreCutOffWhileOthersAreServed) {
  HttpServer server(test_options(), echo);
  auto port = *server.start();
  Client slow(port);
  slow.send_raw("GET /slow HTTP/1.1\r\nHost: h\r\nX-Drip: ");
  Client fast(port);
  EXPECT_EQ(fast.request(http::verb::get, "/fast").result_int(), 200);
  // The header never completes: the server drops the connection after header_timeout.
  EXPECT_TRUE(slow.closed_by_server());
}

TEST(HttpServer, HandlersRunOffTheIoThreads) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  HttpServer server(test_options(), [&](const HttpRequest& req, const std::string& id) {
    if (req.target() == "/block") {
      entered.set_value();
      released.wait();
    }
    return echo(req, id);
  });
  auto port = *server.start();
  auto blocked = std::async(std::launch::async, [port] { return Client(port).request(http::verb::get, "/block"); });
  entered.get_future().wait();
  // One I/O thread, and a handler is blocked: another connection is still answered.
  EXPECT_EQ(Client(port).request(http::verb::get, "/fast").result_int(), 200);
  release.set_value();
  EXPECT_EQ(blocked.get().result_int(), 200);
}

TEST(HttpServer, StopLetsInFlightRequestsFinish) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  HttpServer server(test_options(), [&](const HttpRequest& req, const std::string& id) {
    entered.set_value();
    released.wait();
    return echo(req, id);
  });
  auto port = *server.start();
  Client idle(port);  // an idle keep-alive connection must not hold up the shutdown
  auto in_flight = std::async(std::launch::async, [port] { return Client(port).request(http::verb::get, "/work"); });
  entered.get_future().wait();
  auto stopped = std::async(std::launch::async, [&server] { server.stop(); });
  EXPECT_EQ(stopped.wait_for(300ms), std::future_status::timeout);  // waits for the request
  release.set_value();
  auto res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());  // Connection: close during shutdown
  stopped.get();
  EXPECT_TRUE(idle.closed_by_server());
  boost::system::error_code ec;
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec) << "still accepting after stop()";
}

TEST(HttpServer, ExpectContinueIsAnswered) {
  HttpServer server(test_options(), echo);
  Client c(*server.start());
  c.send_raw("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read();
  EXPECT_EQ(interim.result_int(), 100);
  c.send_raw("hello");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(boost::json::parse(res.body()).at("body_size").as_int64(), 5);
}

// --- Hardening: requests that once killed the server or bypassed its limits. ---

HttpServerOptions default_limits() {
  HttpServerOptions o;
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 2;
  return o;
}

std::string chunked_with_trailer(std::size_t value_size) {
  return "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + std::string(value_size, 't') +
         "\r\n\r\n";
}

// What the server answers to `bytes` on a fresh connection: the status, or 0 when it closed
// the connection without an answer.
unsigned answer_to(std::uint16_t port, const std::string& bytes) {
  Client c(port);
  c.send_raw(bytes);
  try {
    return c.read().result_int();
  } catch (const boost::system::system_error&) {
    return 0;
  }
}

TEST(HttpServerHardening, AHugeTrailerFieldIsRefusedAndTheServerStaysUp) {
  // A trailer value of >= 65,534 bytes made Beast throw length_error on the I/O thread, which
  // ended the process.
  HttpServer server(default_limits(), echo);
  auto port = *server.start();
  EXPECT_EQ(answer_to(port, chunked_with_trailer(65534)), 431u);
  EXPECT_EQ(answer_to(port, chunked_with_trailer(200000)), 431u);
  Client after(port);
  EXPECT_EQ(after.request(http::verb::get, "/still-up").result_int(), 200);
}

TEST(HttpServerHardening, TrailersHaveTheHeaderLimit) {
  HttpServer server(default_limits(), echo);
  auto port = *server.start();
  EXPECT_EQ(answer_to(port, chunked_with_trailer(20000)), 431u) << "a 20 KB trailer is over the 16 KiB limit";
  EXPECT_EQ(answer_to(port, chunked_with_trailer(100)), 200u) << "a small trailer is fine";
  // A chunk header (size line with extensions) is bounded the same way.
  EXPECT_EQ(answer_to(port, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;e=" +
                                std::string(20000, 'e') + "\r\na\r\n0\r\n\r\n"),
            431u);
}

TEST(HttpServerHardening, Http11WithoutExactlyOneHostIs400) {
  HttpServer server(default_limits(), echo);
  auto port = *server.start();
  Client none(port);
  none.send_raw("GET /x HTTP/1.1\r\n\r\n");
  auto res = none.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(boost::json::parse(res.body()).at("badRequest").at("message").as_string(),
            "Malformed HTTP request: an HTTP/1.1 request must have a Host header.");
  EXPECT_EQ(answer_to(port, "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400u);
  EXPECT_EQ(answer_to(port, "GET /x HTTP/1.0\r\n\r\n"), 200u) << "HTTP/1.0 has no Host requirement";
}

TEST(HttpServerHardening, ObsFoldIs400) {
  HttpServer server(default_limits(), echo);
  auto port = *server.start();
  Client c(port);
  c.send_raw("GET /x HTTP/1.1\r\nHost: h\r\nX-Folded: one\r\n two\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_NE(std::string(boost::json::parse(res.body()).at("badRequest").at("message").as_string()).find("obs-fold"),
            std::string::npos);
  EXPECT_EQ(answer_to(port, "GET /x HTTP/1.1\r\nHost: h\r\nX-Tab: one\r\n\ttwo\r\n\r\n"), 400u);
  EXPECT_EQ(answer_to(port, "GET /x HTTP/1.1\r\nHost: h\r\nX-Spaces: one two\r\n\r\n"), 200u);
}

TEST(HttpServerHardening, AtTheConnectionLimitSlowConnectionsAreShedForANewClient) {
  auto options = default_limits();
  options.max_connections = 8;
  options.header_timeout = 30s;  // the slow connections would otherwise hold their places this long
  HttpServer server(options, echo);
  auto port = *server.start();
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<Client>(port));
    slow.back()->send_raw("GET /slow HTTP/1.1\r\nHost: h\r\nX-Drip: ");
  }
  const auto start = std::chrono::steady_clock::now();
  Client normal(port);
  EXPECT_EQ(normal.request(http::verb::get, "/normal").result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "served without waiting for the slow ones to time out";
  // The oldest ones made room (the newest few still hold their places until header_timeout).
  for (int i = 0; i < 12; ++i) EXPECT_TRUE(slow[i]->closed_by_server()) << "slow connection " << i;
}

TEST(HttpServerHardening, DefaultConnectionLimitLeavesRoomForOtherDescriptors) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 512;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limited), 0);
  const std::size_t at_512 = default_max_connections();
  limited.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limited), 0);
  const std::size_t at_1024 = default_max_connections();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_EQ(at_512, 384u);
  EXPECT_EQ(at_1024, 768u);
}

}  // namespace
}  // namespace snapmgr::core::api
