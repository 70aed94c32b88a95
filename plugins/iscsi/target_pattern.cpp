#include "target_pattern.hpp"

#include <cctype>

namespace snapmgr::iscsi {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Result<std::string> rewrite_named_groups(const std::string& pattern, std::map<std::string, std::size_t>& groups) {
  std::string out;
  out.reserve(pattern.size());
  std::size_t captures = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 2 < pattern.size() && pattern[i + 1] == 'k' && pattern[i + 2] == '<') {
        return Error::invalid_config("named backreference \\k<...> at offset " + std::to_string(i) +
                                     " is not supported; use a numbered one (\\1)");
      }
      out += c;
      if (i + 1 < pattern.size()) out += pattern[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in most dialects; ECMAScript reads "[]" as an
      // empty class, which std::regex handles itself, so only skip over the negation.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      continue;
    }
    if (c != '(') {
      out += c;
      continue;
    }
    // An opening parenthesis: capturing, named capturing, or some other (?...) construct.
    if (i + 1 >= pattern.size() || pattern[i + 1] != '?') {
      ++captures;
      out += c;
      continue;
    }
    std::size_t name_start = 0;
    if (i + 3 < pattern.size() && pattern[i + 2] == 'P' && pattern[i + 3] == '<') {
      name_start = i + 4;
    } else if (i + 2 < pattern.size() && pattern[i + 2] == '<') {
      name_start = i + 3;
    }
    if (name_start == 0 || name_start >= pattern.size() || !is_name_start(pattern[name_start])) {
      out += c;  // (?: (?= (?! and lookbehinds: not groups; std::regex judges them
      continue;
    }
    std::size_t end = name_start;
    while (end < pattern.size() && is_name_char(pattern[end])) ++end;
    if (end >= pattern.size() || pattern[end] != '>') {
      return Error::invalid_config("named group at offset " + std::to_string(i) +
                                   " is not closed by '>' (write (?<name>...) with a name of letters, digits and _)");
    }
    std::string name = pattern.substr(name_start, end - name_start);
    ++captures;
    if (!groups.emplace(name, captures).second) {
      return Error::invalid_config("named group '" + name + "' appears twice");
    }
    out += '(';
    i = end;
  }
  if (in_class) return Error::invalid_config("bracket expression '[' is not closed");
  return out;
}

Result<TargetPattern> TargetPattern::compile(const std::string& option, const std::string& pattern) {
  TargetPattern p;
  p.source_ = pattern;
  auto rewritten = rewrite_named_groups(pattern, p.groups_);
  if (!rewritten) {
    return Error::invalid_config(option + " '" + pattern + "': " + rewritten.error().message());
  }
  try {
    p.regex_ = std::regex(*rewritten, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error::invalid_config(option + " '" + pattern +
                                 "' is not a valid ECMAScript regular expression: " + e.what());
  }
  return p;
}

std::optional<std::map<std::string, std::string>> TargetPattern::match(std::string_view iqn) const {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(iqn.begin(), iqn.end(), m, regex_)) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [name, index] : groups_) out[name] = index < m.size() && m[index].matched ? m[index].str() : "";
  return out;
}

}  // namespace snapmgr::iscsi
