// Cinder's timestamp format: naive UTC ISO 8601 with microseconds, "2026-11-27T00:18:22.008177".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace snapmgr::core {

std::string now_timestamp();
// `at` in that format. Timestamps of this format order as text as they do in time.
std::string format_timestamp(std::chrono::system_clock::time_point at);
// The instant a timestamp in that format names (the fraction is optional); nullopt when `text`
// is not one.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

}  // namespace snapmgr::core
