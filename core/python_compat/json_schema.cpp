#include "core/python_compat/json_schema.hpp"

#include <algorithm>

#include "core/common/echoed.hpp"
#include "core/python_compat/python_repr.hpp"

namespace snapmgr::core::python_compat {
namespace {

bool is_type(const boost::json::value& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "null") return v.is_null();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  if (type == "array") return v.is_array();
  return false;
}

std::size_t python_length(const boost::json::string& s) { return decode_utf8(s).size(); }

// Python equality of JSON values as jsonschema's enum uses it (True == 1 aside: enums here hold
// only strings and booleans).
bool python_equal(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_bool() || b.is_bool()) return a.is_bool() && b.is_bool() && a.get_bool() == b.get_bool();
  return a == b;
}

class Validator {
 public:
  std::optional<SchemaError> run(const Schema& schema, const boost::json::value& v, std::vector<std::string>& path) {
    for (auto keyword : schema.order) {
      if (auto e = check(keyword, schema, v, path)) return e;
    }
    return std::nullopt;
  }

 private:
  static SchemaError error(const std::vector<std::string>& path, const boost::json::value& v, std::string message) {
    return SchemaError{path, v, std::move(message)};
  }

  std::optional<SchemaError> check(Schema::Keyword keyword, const Schema& s, const boost::json::value& v,
                                   std::vector<std::string>& path) {
    using K = Schema::Keyword;
    switch (keyword) {
      case K::Type: {
        for (const auto& t : s.types) {
          if (is_type(v, t)) return std::nullopt;
        }
        std::string names;
        for (const auto& t : s.types) names += (names.empty() ? "" : ", ") + python_string_repr(t);
        return error(path, v, echoed(python_repr(v)) + " is not of type " + names);
      }
      case K::MinLength:
        if (v.is_string() && python_length(v.get_string()) < s.min_length) {
          return error(path, v, echoed(python_repr(v)) + " is too short");
        }
        return std::nullopt;
      case K::MaxLength:
        if (v.is_string() && python_length(v.get_string()) > s.max_length) {
          return error(path, v, echoed(python_repr(v)) + " is too long");
        }
        return std::nullopt;
      case K::Pattern:
        if (v.is_string() && !s.pattern(v.get_string())) {
          return error(path, v, echoed(python_repr(v)) + " does not match " + s.pattern_repr);
        }
        return std::nullopt;
      case K::Format:
        // Cinder's format checkers receive any type; a failure reads "<repr> is not a '<fmt>'".
        if (!v.is_string() || !s.format(v.get_string())) {
          return error(path, v, echoed(python_repr(v)) + " is not a " + python_string_repr(s.format_name));
        }
        return std::nullopt;
      case K::Enum: {
        for (const auto& e : s.enum_values) {
          if (python_equal(e, v)) return std::nullopt;
        }
        return error(path, v, echoed(python_repr(v)) + " is not one of " + python_repr(s.enum_values));
      }
      case K::Properties: {
        if (!v.is_object()) return std::nullopt;
        for (const auto& [name, sub] : s.properties) {
          auto it = v.get_object().find(name);
          if (it == v.get_object().end()) continue;
          path.push_back(name);
          auto e = run(*sub, it->value(), path);
          path.pop_back();
          if (e) return e;
        }
        return std::nullopt;
      }
      case K::PatternProperties: {
        if (!v.is_object()) return std::nullopt;
        for (const auto& member : v.get_object()) {
          if (!s.property_pattern(member.key())) continue;
          path.emplace_back(member.key());
          auto e = run(*s.property_pattern_schema, member.value(), path);
          path.pop_back();
          if (e) return e;
        }
        return std::nullopt;
      }
      case K::Required: {
        if (!v.is_object()) return std::nullopt;
        for (const auto& name : s.required) {
          if (!v.get_object().contains(name)) {
            return error(path, v, python_string_repr(name) + " is a required property");
          }
        }
        return std::nullopt;
      }
      case K::AdditionalProperties: {
        if (!v.is_object() || s.additional_properties) return std::nullopt;
        std::vector<std::string> extras;
        for (const auto& member : v.get_object()) {
          bool known = std::any_of(s.properties.begin(), s.properties.end(),
                                   [&](const auto& p) { return p.first == member.key(); });
          if (!known && s.property_pattern && s.property_pattern(member.key())) known = true;
          if (!known) extras.emplace_back(member.key());
        }
        if (extras.empty()) return std::nullopt;
        if (s.property_pattern) {
          std::sort(extras.begin(), extras.end());
          std::string joined;
          for (const auto& x : extras) joined += (joined.empty() ? "" : ", ") + echoed(python_string_repr(x));
          return error(path, v,
                       joined + (extras.size() == 1 ? " does" : " do") +
                           " not match any of the regexes: " + s.property_pattern_repr);
        }
        std::string joined;
        for (const auto& x : extras) joined += (joined.empty() ? "" : ", ") + echoed(python_string_repr(x));
        return error(path, v,
                     "Additional properties are not allowed (" + joined + (extras.size() == 1 ? " was" : " were") +
                         " unexpected)");
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::string SchemaError::cinder_message() const {
  if (path.empty()) return message;
  return "Invalid input for field/attribute " + echoed(path.back()) + ". Value: " + echoed(python_str(instance)) +
         ". " + message;
}

std::optional<SchemaError> validate(const Schema& schema, const boost::json::value& instance) {
  std::vector<std::string> path;
  return Validator().run(schema, instance, path);
}

SchemaBuilder& SchemaBuilder::type(std::vector<std::string> types) {
  schema_.order.push_back(Schema::Keyword::Type);
  schema_.types = std::move(types);
  return *this;
}
SchemaBuilder& SchemaBuilder::min_length(std::size_t n) {
  schema_.order.push_back(Schema::Keyword::MinLength);
  schema_.min_length = n;
  return *this;
}
SchemaBuilder& SchemaBuilder::max_length(std::size_t n) {
  schema_.order.push_back(Schema::Keyword::MaxLength);
  schema_.max_length = n;
  return *this;
}
SchemaBuilder& SchemaBuilder::pattern(StringPredicate matches, std::string regex_repr) {
  schema_.order.push_back(Schema::Keyword::Pattern);
  schema_.pattern = std::move(matches);
  schema_.pattern_repr = std::move(regex_repr);
  return *this;
}
SchemaBuilder& SchemaBuilder::format(StringPredicate valid, std::string name) {
  schema_.order.push_back(Schema::Keyword::Format);
  schema_.format = std::move(valid);
  schema_.format_name = std::move(name);
  return *this;
}
SchemaBuilder& SchemaBuilder::enumeration(boost::json::array values) {
  schema_.order.push_back(Schema::Keyword::Enum);
  schema_.enum_values = std::move(values);
  return *this;
}
SchemaBuilder& SchemaBuilder::properties(
    std::vector<std::pair<std::string, std::shared_ptr<const Schema>>> properties) {
  schema_.order.push_back(Schema::Keyword::Properties);
  schema_.properties = std::move(properties);
  return *this;
}
SchemaBuilder& SchemaBuilder::pattern_properties(StringPredicate matches, std::string regex_repr,
                                                 std::shared_ptr<const Schema> schema) {
  schema_.order.push_back(Schema::Keyword::PatternProperties);
  schema_.property_pattern = std::move(matches);
  schema_.property_pattern_repr = std::move(regex_repr);
  schema_.property_pattern_schema = std::move(schema);
  return *this;
}
SchemaBuilder& SchemaBuilder::required(std::vector<std::string> names) {
  schema_.order.push_back(Schema::Keyword::Required);
  schema_.required = std::move(names);
  return *this;
}
SchemaBuilder& SchemaBuilder::no_additional_properties() {
  schema_.order.push_back(Schema::Keyword::AdditionalProperties);
  schema_.additional_properties = false;
  return *this;
}
std::shared_ptr<const Schema> SchemaBuilder::build() { return std::make_shared<const Schema>(std::move(schema_)); }

StringPredicate python_anchored(StringPredicate body) {
  return [body = std::move(body)](std::string_view s) {
    if (body(s)) return true;
    return !s.empty() && s.back() == '\n' && body(s.substr(0, s.size() - 1));
  };
}

}  // namespace snapmgr::core::python_compat
