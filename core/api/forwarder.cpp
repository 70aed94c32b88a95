#include "core/api/forwarder.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include "core/adoption/host_resolution.hpp"
#include "core/api/internal_route.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core::api {
namespace {

namespace http = boost::beast::http;
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// Hop-by-hop headers of the owner's answer: this node's own connection decides them.
constexpr std::string_view kHopByHop[] = {"Connection",     "Keep-Alive", "Transfer-Encoding",
                                          "Content-Length", "Trailer",    "Upgrade"};

struct Endpoint {
  std::string host;
  std::string port;
  std::string path;
};

std::optional<Endpoint> parse_endpoint(const std::string& url, std::string& problem) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    problem = "the advertised URL does not parse";
    return std::nullopt;
  }
  if (parsed->scheme() != "http") {
    problem = "only http advertised URLs can be forwarded to";
    return std::nullopt;
  }
  Endpoint e;
  e.host = parsed->host_address();  // an IPv6 address without its brackets
  e.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  e.path = std::string(parsed->encoded_path());
  return e;
}

// One exchange on a private io_context: resolve, connect (bounded), write and read (bounded).
// Every object the handlers touch lives in this frame, and run() returns only once they are all
// done. Returns the cause of a failure in `problem`.
std::optional<HttpResponse> exchange(const Endpoint& to, const HttpRequest& request, const ForwarderOptions& options,
                                     std::string& problem) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.response_limit);
  auto fail = [&](const char* stage, const beast::error_code& ec) {
    problem = std::string(stage) + ": " + (ec == beast::error::timeout ? std::string("timed out") : ec.message());
  };
  bool done = false;
  resolver.async_resolve(to.host, to.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("resolving", ec);
    stream.expires_after(options.connect_timeout);
    stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return fail("connecting", ec);
      stream.expires_after(options.response_timeout);
      http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
        if (ec) return fail("sending the request", ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          if (ec) return fail("reading the answer", ec);
          done = true;
        });
      });
    });
  });
  io.run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (!done) return std::nullopt;
  HttpResponse response = parser.release();
  for (std::string_view name : kHopByHop) response.erase(name);
  return response;
}

}  // namespace

snapmgr::Result<HttpResponse, ApiError> Forwarder::forward(const RemoteOwner& owner, const HttpRequest& request,
                                                           const Identity& caller,
                                                           const std::string& request_id) const {
  std::string problem;
  std::optional<HttpResponse> answer;
  if (auto to = parse_endpoint(owner.advertise_url, problem)) {
    log().info("forwarding {} {} for {} to {}", std::string(request.method_string()), std::string(request.target()),
               owner.service, owner.advertise_url);
    answer = exchange(*to, forwarded_request(request, to->path, secret_, caller, request_id), options_, problem);
  }
  if (!answer) {
    log().warn("the node serving {} at {} is unreachable ({}): answering \"{}\"", owner.service, owner.advertise_url,
               problem, kServiceUnavailable);
    return ApiError::bad_request(kServiceUnavailable);
  }
  return std::move(*answer);
}

}  // namespace snapmgr::core::api
