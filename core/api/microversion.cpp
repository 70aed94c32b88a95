#include "core/api/microversion.hpp"

#include <optional>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>

#include "host/text_checks.hpp"

namespace snapmgr::core::api {
namespace {

std::vector<std::string> split_commas(const std::vector<std::string_view>& values) {
  std::vector<std::string> items;
  for (auto value : values) {
    std::size_t start = 0;
    while (true) {
      auto comma = value.find(',', start);
      items.emplace_back(value.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return items;
}

// The version text for service `volume` in the standard header (microversion_parse rules), or
// nullopt when no item names the volume service.
std::optional<std::string> standard_header_version(const std::vector<std::string_view>& values) {
  for (auto& item : split_commas(values)) {
    std::string trimmed = boost::algorithm::trim_copy(item);
    auto space = trimmed.find_first_of(" \t");
    std::string service = trimmed.substr(0, space);
    if (boost::algorithm::to_lower_copy(service) != "volume") continue;
    if (space == std::string::npos) return std::string();
    return boost::algorithm::trim_copy(trimmed.substr(space));
  }
  return std::nullopt;
}

}  // namespace

snapmgr::Result<ApiVersion, ApiError> parse_version_string(std::string_view text) {
  // <major>.<minor>: 1-6 digits each, no leading zero (a minor may be 0).
  const auto dot = text.find('.');
  const std::string_view major = text.substr(0, dot);
  const std::string_view minor = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto number = [](std::string_view digits) {
    return is_digits(digits) && digits.size() <= 6 && (digits[0] != '0' || digits.size() == 1);
  };
  if (!number(major) || major == "0" || !number(minor)) {
    return ApiError::bad_request("API Version String " + std::string(text) +
                                 " is of invalid format. Must be of format MajorNum.MinorNum.");
  }
  return ApiVersion{std::stoi(std::string(major)), std::stoi(std::string(minor))};
}

snapmgr::Result<ApiVersion, ApiError> requested_version(const std::vector<std::string_view>& standard,
                                                        const std::vector<std::string_view>& legacy) {
  std::optional<std::string> text = standard_header_version(standard);
  if (!text && !legacy.empty()) {
    // microversion_parse: the legacy header's last comma-separated item.
    auto items = split_commas(legacy);
    text = boost::algorithm::trim_copy(items.back());
  }
  if (!text) return kMinVersion;
  if (*text == "latest") return kMaxVersion;
  auto version = parse_version_string(*text);
  if (!version) return version;
  if (*version < kMinVersion || *version > kMaxVersion) {
    return ApiError{406, "Version " + version->to_string() + " is not supported by the API. Minimum is " +
                             kMinVersion.to_string() + " and maximum is " + kMaxVersion.to_string() + "."};
  }
  return version;
}

std::string version_header_value(const ApiVersion& version) { return "volume " + version.to_string(); }

}  // namespace snapmgr::core::api
