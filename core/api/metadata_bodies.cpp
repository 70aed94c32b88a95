#include "core/api/metadata_bodies.hpp"

#include <memory>

#include "core/common/echoed.hpp"
#include "core/python_compat/json_schema.hpp"
#include "core/python_compat/python_repr.hpp"

namespace snapmgr::core::api {
namespace {

using python_compat::python_anchored;
using python_compat::Schema;
using python_compat::SchemaBuilder;
using python_compat::SchemaError;
using SchemaPtr = std::shared_ptr<const Schema>;

constexpr std::size_t kMaxLength = 255;  // Cinder's limit for metadata keys and values

// The body of parameter_types.extra_specs' key regex ^[a-zA-Z0-9-_:. /]{1,255}$.
bool extra_specs_key(std::string_view key) {
  static constexpr std::string_view kAllowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:. /";
  return !key.empty() && key.size() <= kMaxLength && key.find_first_not_of(kAllowed) == std::string_view::npos;
}

// parameter_types.extra_specs: {type: object, patternProperties: {<key>: {type: string,
// maxLength: 255}}, additionalProperties: false}.
SchemaPtr extra_specs() {
  auto value = SchemaBuilder().type({"string"}).max_length(kMaxLength).build();
  return SchemaBuilder()
      .type({"object"})
      .pattern_properties(python_anchored(extra_specs_key), "'^[a-zA-Z0-9-_:. /]{1,255}$'", value)
      .no_additional_properties()
      .build();
}

// {type: object, properties: {<element>: extra_specs}[, required: [<element>],
// additionalProperties: false]}. Without the last two: the part checked before the element's
// minProperties/maxProperties, which json_schema does not model.
SchemaPtr element_schema(const char* element, bool complete) {
  SchemaBuilder b;
  b.type({"object"}).properties({{element, extra_specs()}});
  if (complete) b.required({element}).no_additional_properties();
  return b.build();
}

const Schema& create_schema() {
  static const SchemaPtr schema = element_schema("metadata", true);
  return *schema;
}

const Schema& update_schema_properties() {
  static const SchemaPtr schema = element_schema("meta", false);
  return *schema;
}

const Schema& update_schema() {
  static const SchemaPtr schema = element_schema("meta", true);
  return *schema;
}

const char* element_name(MetadataBody which) { return which == MetadataBody::Collection ? "metadata" : "meta"; }

std::optional<MetadataProblem> schema_problem(const Schema& schema, const boost::json::value& body) {
  if (auto e = python_compat::validate(schema, body)) return MetadataProblem::bad_request(e->cinder_message());
  return std::nullopt;
}

// metadata_restricted_properties adds minProperties: 1, maxProperties: 1 after extra_specs' keys,
// so jsonschema reports them after the element's other errors and before the root's.
std::optional<MetadataProblem> one_property(const boost::json::value& body) {
  const auto* element = body.as_object().if_contains("meta");
  if (!element || !element->is_object() || element->as_object().size() == 1) return std::nullopt;
  const char* what = element->as_object().empty() ? " does not have enough properties" : " has too many properties";
  SchemaError error{{"meta"}, *element, echoed(python_compat::python_repr(*element)) + what};
  return MetadataProblem::bad_request(error.cinder_message());
}

std::optional<MetadataProblem> uri_mismatch(const boost::json::object& element, std::string_view uri_key) {
  if (!element.contains(uri_key)) return MetadataProblem::bad_request("Request body and URI mismatch");
  return std::nullopt;
}

// Python's `entity in body` for a body that is not a dict: a non-empty list or string may
// contain it, a number or boolean raises TypeError (wsgi: 400 with webob's generic text).
bool python_contains(const boost::json::value& body, std::string_view entity, bool& type_error) {
  if (body.is_string()) return std::string_view(body.as_string()).find(entity) != std::string_view::npos;
  if (body.is_array()) {
    for (const auto& item : body.as_array()) {
      if (item.is_string() && item.as_string() == entity) return true;
    }
    return false;
  }
  type_error = body.is_number() || body.is_bool();
  return false;
}

bool python_falsy(const boost::json::value& body) {
  if (body.is_null()) return true;
  if (body.is_bool()) return !body.as_bool();
  if (body.is_int64()) return body.as_int64() == 0;
  if (body.is_uint64()) return body.as_uint64() == 0;
  if (body.is_double()) return body.as_double() == 0.0;
  if (body.is_string()) return body.as_string().empty();
  if (body.is_array()) return body.as_array().empty();
  return body.as_object().empty();
}

// wsgi.Controller.assert_valid_body(body, entity).
std::optional<MetadataProblem> assert_valid_body(const boost::json::value& body, const char* entity) {
  const std::string missing = std::string("Missing required element '") + entity + "' in request body.";
  if (python_falsy(body)) return MetadataProblem::bad_request(missing);
  if (!body.is_object()) {
    bool type_error = false;
    // `body[entity]` on a list or string that "contains" it raises TypeError as well.
    if (python_contains(body, entity, type_error) || type_error)
      return MetadataProblem::bad_request(ApiError::kBadRequest);
    return MetadataProblem::bad_request(missing);
  }
  const auto* element = body.as_object().if_contains(entity);
  if (!element || !element->is_object()) return MetadataProblem::bad_request(missing);
  return std::nullopt;
}

// len() of the Python str.
std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// utils.check_metadata_properties for one pair.
std::optional<MetadataProblem> property_problem(const std::string& key, const boost::json::value& value) {
  if (key.empty()) {
    return MetadataProblem::bad_request(
        "Invalid metadata: Invalid input received: Metadata key:  has 0 characters, "
        "less than 1.");
  }
  if (!value.is_string()) {
    return MetadataProblem::bad_request("Invalid metadata: Invalid input received: Value for metadata key: " + key +
                                        " is not a string or unicode");
  }
  if (code_points(key) > kMaxLength) {
    return MetadataProblem{413,
                           "Invalid metadata size: Metadata property key " + key + " greater than 255 characters."};
  }
  if (code_points(value.as_string()) > kMaxLength) {
    return MetadataProblem{
        413, "Invalid metadata size: Metadata property key " + key + " value greater than 255 characters."};
  }
  return std::nullopt;
}

}  // namespace

std::optional<MetadataProblem> check_volume_metadata_body(const boost::json::value& body, MetadataBody which,
                                                          std::string_view uri_key) {
  if (which == MetadataBody::Collection) return schema_problem(create_schema(), body);
  if (auto p = schema_problem(update_schema_properties(), body)) return p;
  if (auto p = one_property(body)) return p;
  if (auto p = schema_problem(update_schema(), body)) return p;
  return uri_mismatch(metadata_element(body, which), uri_key);
}

std::optional<MetadataProblem> check_snapshot_metadata_body(const boost::json::value& body, MetadataBody which,
                                                            std::string_view uri_key) {
  if (auto p = assert_valid_body(body, element_name(which))) return p;
  if (which == MetadataBody::Collection) return std::nullopt;
  const auto& element = metadata_element(body, which);
  if (auto p = uri_mismatch(element, uri_key)) return p;
  if (element.size() > 1) return MetadataProblem::bad_request("Request body contains too many items");
  return std::nullopt;
}

std::optional<MetadataProblem> check_snapshot_metadata_properties(const Metadata& current,
                                                                  const boost::json::object& given, bool replace) {
  // dict.update keeps a key's first position: current keys first (with their new values), then
  // the new keys in the body's order. Current values passed these checks when they were written.
  if (!replace) {
    for (const auto& [key, value] : current) {
      if (const auto* updated = given.if_contains(key)) {
        if (auto p = property_problem(key, *updated)) return p;
      }
    }
  }
  for (const auto& [key, value] : given) {
    if (!replace && current.count(std::string(key))) continue;
    if (auto p = property_problem(std::string(key), value)) return p;
  }
  return std::nullopt;
}

const boost::json::object& metadata_element(const boost::json::value& body, MetadataBody which) {
  return body.as_object().at(element_name(which)).as_object();
}

Metadata to_metadata(const boost::json::object& element) {
  Metadata out;
  for (const auto& [key, value] : element) out[std::string(key)] = std::string(value.as_string());
  return out;
}

}  // namespace snapmgr::core::api
