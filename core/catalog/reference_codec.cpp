#include "core/catalog/reference_codec.hpp"

#include <boost/json.hpp>

namespace snapmgr::core {

std::string to_canonical_json(const snapmgr::StringMap& reference) {
  boost::json::object o;
  for (const auto& [k, v] : reference) o[k] = v;  // StringMap iterates in key order
  return boost::json::serialize(o);
}

std::optional<snapmgr::StringMap> from_json_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  snapmgr::StringMap map;
  for (const auto& [k, v] : value.as_object()) {
    if (!v.is_string()) return std::nullopt;
    map.set(std::string(k), std::string(v.as_string()));
  }
  return map;
}

}  // namespace snapmgr::core
