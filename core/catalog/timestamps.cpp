#include "core/catalog/timestamps.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace snapmgr::core {

std::string now_timestamp() { return format_timestamp(std::chrono::system_clock::now()); }

std::string format_timestamp(std::chrono::system_clock::time_point now) {
  auto t = std::chrono::system_clock::to_time_t(now);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  long long micros = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() > 26 || s.size() == 20) return std::nullopt;
    for (std::size_t i = 20; i < 26; ++i) {
      char c = i < s.size() ? s[i] : '0';
      if (c < '0' || c > '9') return std::nullopt;
      micros = micros * 10 + (c - '0');
    }
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t) + std::chrono::microseconds(micros);
}

}  // namespace snapmgr::core
