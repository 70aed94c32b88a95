// A target-name pattern: an ECMAScript regular expression (std::regex) matched against a whole
// target IQN, with named groups.
//
// std::regex has no named groups, so this is the convention: write a named group as
// `(?<name>...)` or, Python style, `(?P<name>...)`; before compiling, each one is rewritten to a
// plain capturing group `(...)` and its name is remembered with its number. Numbering is the usual
// left-to-right count of opening parentheses over all capturing groups, named or not, so numbered
// backreferences (`\1`) keep meaning what they mean in Perl or Python. Escaped parentheses `\(`
// and parentheses inside a bracket expression `[(]` are not groups. Named backreferences
// (`\k<name>`) are not supported and are rejected, as are duplicate names.
//
// Matching is a full match (std::regex_match): the pattern must describe the whole IQN, so
// `snap-(?<origin>.+)` does not match `iqn....:snap-vol-a-1` — write `.*:snap-(?<origin>.+)-[0-9]+`.
//
// Thread-safety: immutable after compile(); match() may be called from any thread (std::regex
// matching is const).
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "snapmgr/result.hpp"

namespace snapmgr::iscsi {

class TargetPattern {
 public:
  // Compiles `pattern`; errors (InvalidConfig) name `option` and say what is wrong.
  static Result<TargetPattern> compile(const std::string& option, const std::string& pattern);

  // The named groups of a full match of `iqn`, or nullopt when it does not match. A group that
  // did not take part in the match maps to "".
  std::optional<std::map<std::string, std::string>> match(std::string_view iqn) const;

  bool has_group(const std::string& name) const { return groups_.count(name) != 0; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;                         // as configured
  std::regex regex_;                           // compiled from the rewritten text
  std::map<std::string, std::size_t> groups_;  // name -> capture number
};

// The rewriting step alone (exposed for tests): `(?<n>` / `(?P<n>` become `(`; `groups`
// receives name -> number. Errors name what is wrong and where (0-based offset).
Result<std::string> rewrite_named_groups(const std::string& pattern, std::map<std::string, std::size_t>& groups);

}  // namespace snapmgr::iscsi
