#include "core/api/listing_params.hpp"

#include <algorithm>

#include <boost/algorithm/string/trim.hpp>

namespace snapmgr::core::api {
namespace {

constexpr long long kClamp = 1LL << 62;

std::string strip(std::string_view s) { return boost::algorithm::trim_copy(std::string(s)); }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The items of `values` not in `allowed`: once each (v3) or all in order (legacy).
std::vector<std::string> invalid_items(const std::vector<std::string>& values,
                                       std::initializer_list<std::string_view> allowed, ApiPath path) {
  std::vector<std::string> invalid;
  for (const auto& v : values) {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) continue;
    if (path == ApiPath::V3 && std::find(invalid.begin(), invalid.end(), v) != invalid.end()) continue;
    invalid.push_back(v);
  }
  return invalid;
}

}  // namespace

std::optional<long long> parse_python_int(std::string_view text) {
  std::string s = strip(text);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  long long value = 0;
  bool previous_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      // Python allows single underscores between digits.
      if (!previous_digit || i + 1 == s.size() || s[i + 1] < '0' || s[i + 1] > '9') return std::nullopt;
      previous_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    previous_digit = true;
    const int digit = c - '0';
    value = value > (kClamp - digit) / 10 ? kClamp : value * 10 + digit;  // saturates, never overflows
  }
  value = std::min(value, kClamp);
  return negative ? -value : value;
}

snapmgr::Result<ListingQuery, ApiError> parse_listing_query(const QueryParams& params, const ApiVersion& version,
                                                            ApiPath path) {
  ListingQuery query;
  bool cluster_allowed = version >= kManageExistingCluster;
  query.host = params.last("host").value_or("");
  query.cluster = cluster_allowed ? params.last("cluster").value_or("") : "";
  if (query.host.empty() == query.cluster.empty()) {
    return ApiError::bad_request(
        std::string("Invalid input received: ") +
        (cluster_allowed ? "One and only one of cluster and host must be set." : "Host field is missing."));
  }

  if (auto text = params.first("limit")) {
    auto limit = parse_python_int(*text);
    if (!limit) return ApiError::bad_request("limit param must be an integer");
    if (*limit < 0) return ApiError::bad_request("limit param must be positive");
    query.limit = static_cast<std::size_t>(std::min<long long>(*limit, kMaxLimit));
  } else {
    query.limit = kMaxLimit;
  }
  query.marker = params.first("marker");
  if (auto text = params.first("offset")) {
    auto offset = parse_python_int(*text);
    if (!offset) return ApiError::bad_request("offset must be an integer");
    if (*offset < 0) return ApiError::bad_request("offset must be >= 0");
    if (*offset > kMaxOffset) return ApiError::bad_request("offset must be <= " + std::to_string(kMaxOffset));
    query.offset = static_cast<std::size_t>(*offset);
  }

  std::vector<std::string> keys;
  std::vector<std::string> dirs;
  if (params.has("sort")) {
    if (params.has("sort_key") || params.has("sort_dir")) {
      return ApiError::bad_request(
          "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
    }
    std::string sort = strip(*params.first("sort"));
    std::size_t start = 0;
    while (true) {
      auto comma = sort.find(',', start);
      std::string item = sort.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto colon = item.find(':');
      std::string key = item.substr(0, colon);
      std::string dir = colon == std::string::npos ? "" : item.substr(colon + 1);
      if (dir.empty()) dir = "desc";
      keys.push_back(strip(key));
      dirs.push_back(strip(dir));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    keys.push_back(params.first("sort_key").value_or("reference"));
    dirs.push_back(params.first("sort_dir").value_or("desc"));
  }
  if (auto bad = invalid_items(keys, {"reference", "size"}, path); !bad.empty()) {
    return ApiError::bad_request("Invalid sort keys passed: " + join(bad));
  }
  if (auto bad = invalid_items(dirs, {"asc", "desc"}, path); !bad.empty()) {
    return ApiError::bad_request("Invalid sort dirs passed: " + join(bad));
  }
  query.sort.clear();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    query.sort.push_back(SortKey{keys[i] == "size" ? SortField::Size : SortField::Reference, dirs[i] == "asc"});
  }
  return query;
}

}  // namespace snapmgr::core::api
