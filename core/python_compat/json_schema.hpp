// Python's `jsonschema` package as Cinder runs it: the subset of JSON Schema (draft 4) that
// Cinder's request-body schemas use, evaluated in jsonschema's order and reporting jsonschema's
// first error with jsonschema's text, wrapped the way Cinder's ValidationError wraps it
// (docs/cinder-compatibility.md §5.3):
//
//   * keywords are checked in the order the schema lists them (Python dict order), properties
//     in schema order, and the first error wins;
//   * messages are jsonschema's: "5 is not of type 'object', 'null', 'string'", "'ref' is a
//     required property", "Additional properties are not allowed ('size' was unexpected)",
//     "'x…' is too long", "'bad!' does not match any of the regexes: '…'", "'e' is not a 'uuid'";
//   * Cinder's wrapper: an error below the root reads "Invalid input for field/attribute
//     <last path element>. Value: <str(value)>. <message>"; a root error is the bare message.
//
// Patterns are predicates with the repr of the regex they stand for, because Cinder's regexes
// (Python `re.search`, where `$` also matches before one trailing newline) are reproduced in C++
// rather than interpreted. The schemas themselves (which fields, which limits) are the API's:
// core/api/body_schemas.cpp and metadata_bodies.cpp build them with SchemaBuilder.
//
// Thread-safety: a Schema is immutable once built; validation is a pure function.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace snapmgr::core::python_compat {

using StringPredicate = std::function<bool(std::string_view)>;

struct Schema {
  enum class Keyword {
    Type,
    MinLength,
    MaxLength,
    Pattern,
    Format,
    Enum,
    Properties,
    PatternProperties,
    Required,
    AdditionalProperties
  };

  std::vector<Keyword> order;      // the keywords present, in the schema's order
  std::vector<std::string> types;  // "object", "null", "string", "boolean", "integer", "number", "array"
  std::size_t min_length = 0;
  std::size_t max_length = 0;
  StringPredicate pattern;
  std::string pattern_repr;
  StringPredicate format;
  std::string format_name;
  boost::json::array enum_values;
  std::vector<std::pair<std::string, std::shared_ptr<const Schema>>> properties;
  StringPredicate property_pattern;  // patternProperties (one pattern)
  std::string property_pattern_repr;
  std::shared_ptr<const Schema> property_pattern_schema;
  std::vector<std::string> required;
  bool additional_properties = true;
};

// A jsonschema ValidationError: where, which value, and the message.
struct SchemaError {
  std::vector<std::string> path;  // property names from the root
  boost::json::value instance;
  std::string message;

  // Cinder's ValidationError detail text.
  std::string cinder_message() const;
};

std::optional<SchemaError> validate(const Schema& schema, const boost::json::value& instance);

// Builder, in schema order: `SchemaBuilder().type({"string","null"}).max_length(255).build()`.
class SchemaBuilder {
 public:
  SchemaBuilder& type(std::vector<std::string> types);
  SchemaBuilder& min_length(std::size_t n);
  SchemaBuilder& max_length(std::size_t n);
  SchemaBuilder& pattern(StringPredicate matches, std::string regex_repr);
  SchemaBuilder& format(StringPredicate valid, std::string name);
  SchemaBuilder& enumeration(boost::json::array values);
  SchemaBuilder& properties(std::vector<std::pair<std::string, std::shared_ptr<const Schema>>> properties);
  SchemaBuilder& pattern_properties(StringPredicate matches, std::string regex_repr,
                                    std::shared_ptr<const Schema> schema);
  SchemaBuilder& required(std::vector<std::string> names);
  SchemaBuilder& no_additional_properties();
  std::shared_ptr<const Schema> build();

 private:
  Schema schema_;
};

// Python's `re.search("^<body>$", s)`: `$` also matches before a single trailing "\n", so a
// predicate for the body sees `s` with that newline removed.
StringPredicate python_anchored(StringPredicate body);

}  // namespace snapmgr::core::python_compat
