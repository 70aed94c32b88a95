// Character checks for names and numbers in configuration files and driver descriptors, in
// place of <regex>: each file that instantiated std::regex for a pattern like
// ^[A-Za-z0-9_.-]{1,64}$ spent seconds compiling it (more under the sanitizers).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace snapmgr::core {

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_alnum(char c) { return is_ascii_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// 1 to `max_length` characters, each an ASCII letter or digit or one of `punctuation`.
inline bool is_name_of(std::string_view s, std::string_view punctuation, std::size_t max_length) {
  return !s.empty() && s.size() <= max_length && std::all_of(s.begin(), s.end(), [punctuation](char c) {
    return is_ascii_alnum(c) || punctuation.find(c) != std::string_view::npos;
  });
}

// One or more ASCII digits and nothing else.
inline bool is_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_ascii_digit); }

}  // namespace snapmgr::core
