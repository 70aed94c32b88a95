#include "api_client.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

namespace snapmgr::e2e {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

const boost::json::value& Reply::json() const {
  if (!parsed) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    EXPECT_FALSE(ec) << "not JSON (status " << status << "): " << body;
    parsed = ec ? boost::json::value() : std::move(v);
  }
  return *parsed;
}

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

std::string Reply::fault_message(const std::string& fault) const {
  const auto& v = json();
  if (!v.is_object() || !v.as_object().contains(fault)) {
    ADD_FAILURE() << "expected a '" << fault << "' body, got status " << status << ": " << body;
    return {};
  }
  const auto& inner = v.at(fault).as_object();
  EXPECT_EQ(inner.at("code").as_int64(), status) << body;
  EXPECT_EQ(v.as_object().size(), 1u) << body;
  return std::string(inner.at("message").as_string());
}

Reply ApiClient::get(const std::string& target, const Headers& headers) const {
  return send("GET", target, "", headers);
}

Reply ApiClient::post(const std::string& target, const std::string& body, const Headers& headers) const {
  return send("POST", target, body, with(json_content(), headers));
}

Reply ApiClient::send(const std::string& method, const std::string& target, const std::string& body,
                      const Headers& headers) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::user_agent, "snapmgr-e2e");
  for (const auto& [k, v] : defaults_) req.set(k, v);
  for (const auto& [k, v] : headers) {
    if (v.empty())
      req.erase(k);
    else
      req.set(k, v);
  }
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  Reply reply;
  reply.status = res.result_int();
  reply.headers = res.base();
  reply.body = res.body();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

std::string ApiClient::raw(const std::string& bytes, std::chrono::milliseconds wait) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  stream.expires_after(wait);
  beast::error_code ec;
  asio::write(stream, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  while (true) {
    std::size_t n = stream.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

Headers version(const std::string& v) { return {{"OpenStack-API-Version", "volume " + v}}; }
Headers json_content() { return {{"Content-Type", "application/json"}}; }
Headers with(Headers a, const Headers& b) {
  for (const auto& [k, v] : b) {
    bool replaced = false;
    for (auto& [ak, av] : a) {
      if (beast::iequals(ak, k)) {
        av = v;
        replaced = true;
      }
    }
    if (!replaced) a.emplace_back(k, v);
  }
  return a;
}

std::vector<std::string> keys(const boost::json::value& object) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  for (const auto& m : object.as_object()) out.emplace_back(m.key());
  return out;
}

}  // namespace snapmgr::e2e
