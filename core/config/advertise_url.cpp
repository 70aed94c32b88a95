#include "core/config/advertise_url.hpp"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

namespace snapmgr::core {

std::optional<std::string> advertise_url_problem(const std::string& text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return "'" + text + "' is not an absolute URL (e.g. http://node1.example:8776)";
  if (url->scheme() != "http" && url->scheme() != "https") {
    return "'" + text + "': the scheme must be http or https";
  }
  if (!url->has_authority() || url->host().empty()) return "'" + text + "' names no host";
  if (url->has_userinfo() || url->has_query() || url->has_fragment()) {
    return "'" + text + "' must not carry user info, a query or a fragment";
  }
  return std::nullopt;
}

std::string advertised_url(const HostConfig& config, std::uint16_t bound_port) {
  if (!config.advertise_url.empty()) return config.advertise_url;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(config.listen_address, ec);
  std::string host = config.listen_address;
  if (!ec && address.is_unspecified()) {
    char name[256] = {};
    host = gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
  } else if (!ec && address.is_v6()) {
    host = "[" + host + "]";
  }
  return "http://" + host + ":" + std::to_string(bound_port);
}

}  // namespace snapmgr::core
