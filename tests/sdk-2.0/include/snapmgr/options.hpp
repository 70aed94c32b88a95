// snapmgr plugin SDK — driver options: what a driver declares and what it receives.
//
// Purpose: the host owns configuration. A driver declares the option keys it accepts
// (`OptionSpec`: key, type, required, default, description) in its descriptor; the host parses
// the backend's `options:` block from YAML, rejects unknown keys, missing required keys and
// values of the wrong type (naming file, line and key), fills in defaults, and only then hands
// the driver an `OptionValue` map. A driver validates the *inside* of structured values itself
// and reports problems as `InvalidConfig` from its factory; `line()` lets it name the line.
//
// Integers are 64-bit; a YAML scalar is typed as bool (true/false), integer, number, or else
// string. A `Number` option also accepts an integer.
//
// Ownership/thread-safety: a value type; the options passed to a driver are owned by the host,
// immutable, and outlive the driver.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace snapmgr {

enum class OptionType { String, Integer, Number, Boolean, List, Map, Any };

constexpr std::string_view to_string(OptionType t) noexcept {
  switch (t) {
    case OptionType::String: return "string";
    case OptionType::Integer: return "integer";
    case OptionType::Number: return "number";
    case OptionType::Boolean: return "boolean";
    case OptionType::List: return "list";
    case OptionType::Map: return "map";
    case OptionType::Any: return "any";
  }
  return "unknown";
}

class OptionValue {
 public:
  using List = std::vector<OptionValue>;
  using Map = std::vector<std::pair<std::string, OptionValue>>;  // in document order

  OptionValue() = default;  // null
  OptionValue(bool b, int line = 0) : v_(b), line_(line) {}
  OptionValue(std::int64_t i, int line = 0) : v_(i), line_(line) {}
  OptionValue(int i, int line = 0) : v_(static_cast<std::int64_t>(i)), line_(line) {}
  OptionValue(double d, int line = 0) : v_(d), line_(line) {}
  OptionValue(std::string s, int line = 0) : v_(std::move(s)), line_(line) {}
  OptionValue(const char* s, int line = 0) : v_(std::string(s)), line_(line) {}
  OptionValue(List l, int line = 0) : v_(std::move(l)), line_(line) {}
  OptionValue(Map m, int line = 0) : v_(std::move(m)), line_(line) {}

  bool is_null() const noexcept { return v_.index() == 0; }
  bool is_bool() const noexcept { return v_.index() == 1; }
  bool is_int() const noexcept { return v_.index() == 2; }
  bool is_number() const noexcept { return v_.index() == 2 || v_.index() == 3; }
  bool is_string() const noexcept { return v_.index() == 4; }
  bool is_list() const noexcept { return v_.index() == 5; }
  bool is_map() const noexcept { return v_.index() == 6; }

  // Accessors; call only after checking the kind.
  bool as_bool() const { return std::get<1>(v_); }
  std::int64_t as_int() const { return std::get<2>(v_); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : std::get<3>(v_); }
  const std::string& as_string() const { return std::get<4>(v_); }
  const List& as_list() const { return std::get<5>(v_); }
  const Map& as_map() const { return std::get<6>(v_); }
  Map& as_map() { return std::get<6>(v_); }

  // The member named `key` of a map, or nullptr (also when this is not a map).
  const OptionValue* find(std::string_view key) const noexcept {
    if (!is_map()) return nullptr;
    for (const auto& [k, v] : std::get<6>(v_))
      if (k == key) return &v;
    return nullptr;
  }

  // Whether this value fits a declared type.
  bool matches(OptionType t) const noexcept {
    switch (t) {
      case OptionType::String: return is_string();
      case OptionType::Integer: return is_int();
      case OptionType::Number: return is_number();
      case OptionType::Boolean: return is_bool();
      case OptionType::List: return is_list();
      case OptionType::Map: return is_map();
      case OptionType::Any: return true;
    }
    return false;
  }

  // 1-based line in the configuration file, 0 when unknown (defaults, tests).
  int line() const noexcept { return line_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, List, Map> v_;
  int line_ = 0;
};

struct OptionSpec {
  std::string key;
  OptionType type = OptionType::String;
  bool required = false;
  OptionValue default_value;  // used when the key is absent and not required; null = no default
  std::string description;    // one line, shown by `snapmgrd --list-drivers` and the docs
};

}  // namespace snapmgr
