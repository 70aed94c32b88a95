// A request URL's query string as an ordered multi-map, decoded with Boost.URL (percent-escapes
// and `+` as a space, as python-cinderclient encodes), with webob MultiDict lookups: Cinder
// reads limit/marker/offset/sort* with pop() (the first occurrence) and host/cluster with
// get() (the last one).
//
// Thread-safety: a value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snapmgr::core::api {

class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::vector<std::pair<std::string, std::string>> items) : items_(std::move(items)) {}

  bool has(std::string_view key) const;
  std::optional<std::string> first(std::string_view key) const;
  std::optional<std::string> last(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Splits a request target ("/v3/p/x?a=1&b=c+d") into its decoded path and query. nullopt when
// the target is not a valid origin-form URL (bad percent-escapes, a missing leading '/').
struct ParsedTarget {
  std::string path;
  QueryParams query;
};
std::optional<ParsedTarget> parse_target(std::string_view target);

}  // namespace snapmgr::core::api
