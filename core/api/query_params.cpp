#include "core/api/query_params.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace snapmgr::core::api {

bool QueryParams::has(std::string_view key) const { return first(key).has_value(); }

std::optional<std::string> QueryParams::first(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::string> QueryParams::last(std::string_view key) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return std::nullopt;
}

std::optional<ParsedTarget> parse_target(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& url = *parsed;
  ParsedTarget result;
  result.path = url.path();
  std::vector<std::pair<std::string, std::string>> items;
  boost::urls::encoding_opts opts(/*space_as_plus=*/true);
  for (auto param : url.params(opts)) {
    items.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  result.query = QueryParams(std::move(items));
  return result;
}

}  // namespace snapmgr::core::api
