#include "host/yaml_values.hpp"

#include <charconv>

#include "host/text_checks.hpp"

namespace snapmgr::core {
namespace {

using snapmgr::OptionValue;

std::size_t sign_length(std::string_view s) { return !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0; }

std::size_t digits_from(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && is_ascii_digit(s[i + n])) ++n;
  return n;
}

// YAML 1.2 core schema integer: [-+]?[0-9]+
bool is_int_text(std::string_view s) { return is_digits(s.substr(sign_length(s))); }

// YAML 1.2 core schema float (finite): [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float_text(std::string_view s) {
  std::size_t i = sign_length(s);
  const std::size_t whole = digits_from(s, i);
  i += whole;
  if (i < s.size() && s[i] == '.') {
    const std::size_t fraction = digits_from(s, i + 1);
    if (whole == 0 && fraction == 0) return false;
    i += 1 + fraction;
  } else if (whole == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i += 1 + sign_length(s.substr(i + 1));
    const std::size_t exponent = digits_from(s, i);
    if (exponent == 0) return false;
    i += exponent;
  }
  return i == s.size();
}

OptionValue plain_scalar(const std::string& s, int line) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return OptionValue{};
  if (s == "true" || s == "True" || s == "TRUE") return OptionValue(true, line);
  if (s == "false" || s == "False" || s == "FALSE") return OptionValue(false, line);
  if (is_int_text(s)) {
    std::int64_t v = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size()) return OptionValue(v, line);
    return OptionValue(s, line);  // out of range: keep the text
  }
  if (is_float_text(s)) {
    // std::stod threw std::out_of_range here for 1e400 (found by fuzz/host_config.cpp).
    double v = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size()) return OptionValue(v, line);
    return OptionValue(s, line);  // out of a double's range: keep the text, as for integers
  }
  return OptionValue(s, line);
}

}  // namespace

int line_of(const YAML::Node& node) {
  auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

OptionValue to_option_value(const YAML::Node& node) {
  const int line = line_of(node);
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return OptionValue{};
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return OptionValue(node.Scalar(), line);  // quoted
      return plain_scalar(node.Scalar(), line);
    case YAML::NodeType::Sequence: {
      OptionValue::List list;
      for (const auto& item : node) list.push_back(to_option_value(item));
      return OptionValue(std::move(list), line);
    }
    case YAML::NodeType::Map: {
      OptionValue::Map map;
      for (const auto& kv : node) map.emplace_back(kv.first.Scalar(), to_option_value(kv.second));
      return OptionValue(std::move(map), line);
    }
  }
  return OptionValue{};
}

std::string kind_name(const OptionValue& v) {
  if (v.is_null()) return "null";
  if (v.is_bool()) return "boolean";
  if (v.is_int()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_list()) return "list";
  return "map";
}

std::string with_article(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

}  // namespace snapmgr::core
