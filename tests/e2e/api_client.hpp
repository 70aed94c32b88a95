// Test HTTP client (Boost.Beast, blocking): one request per connection to a snapmgrd on
// 127.0.0.1, with noauth credentials of admin in project p1 unless the test says otherwise,
// plus raw-socket helpers for requests that are not valid HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http/fields.hpp>
#include <boost/json/value.hpp>

namespace snapmgr::e2e {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  boost::beast::http::fields headers;
  std::string body;
  mutable std::optional<boost::json::value> parsed;

  // The body parsed (fails the test when it is not JSON); parsed once, lives as long as the Reply.
  const boost::json::value& json() const;
  std::string header(const std::string& name) const;
  // {"<fault>": {"code": status, "message": m}} → m, checking the fault name and code.
  std::string fault_message(const std::string& fault) const;
};

class ApiClient {
 public:
  explicit ApiClient(std::uint16_t port, Headers defaults = {{"X-Auth-Token", "admin:p1"}})
      : port_(port), defaults_(std::move(defaults)) {}

  Reply get(const std::string& target, const Headers& headers = {}) const;
  Reply post(const std::string& target, const std::string& body, const Headers& headers = {}) const;
  // Any method; `headers` are added to the defaults (an empty value removes a default).
  Reply send(const std::string& method, const std::string& target, const std::string& body,
             const Headers& headers) const;

  // Sends raw bytes and returns what the server answers before closing (or until `wait`).
  std::string raw(const std::string& bytes, std::chrono::milliseconds wait = std::chrono::seconds(10)) const;

  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  Headers defaults_;
};

// {"OpenStack-API-Version": "volume X.Y"}
Headers version(const std::string& v);
Headers json_content();
Headers with(Headers a, const Headers& b);

// The keys of a JSON object, in order.
std::vector<std::string> keys(const boost::json::value& object);

}  // namespace snapmgr::e2e
