#include "core/api/body_schemas.hpp"

#include <boost/json/serialize.hpp>

#include "core/api/uuid_like.hpp"
#include "core/python_compat/python_repr.hpp"
#include "core/python_compat/unicode_tables.hpp"

namespace snapmgr::core::api {

using namespace python_compat;
namespace {

using SchemaPtr = std::shared_ptr<const Schema>;

bool all_printable(std::string_view text) {
  for (char32_t cp : decode_utf8(text)) {
    if (!is_cinder_printable(cp)) return false;
  }
  return true;
}

// ^[a-zA-Z0-9-_:. /]{1,255}$ without the anchors' newline subtlety (python_anchored adds it).
bool metadata_key_body(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == ':' || c == '.' || c == ' ' || c == '/';
    if (!ok) return false;
  }
  return true;
}

SchemaPtr name_allow_zero_min_length() {
  return SchemaBuilder().type({"string", "null"}).min_length(0).max_length(255).build();
}

SchemaPtr description() {
  return SchemaBuilder()
      .type({"string", "null"})
      .min_length(0)
      .max_length(255)
      .pattern(is_valid_description, cinder_description_pattern_repr())
      .build();
}

SchemaPtr metadata_allows_null() {
  auto value = SchemaBuilder().type({"string"}).max_length(255).build();
  return SchemaBuilder()
      .type({"object", "null"})
      .pattern_properties(python_anchored(metadata_key_body), "'^[a-zA-Z0-9-_:. /]{1,255}$'", value)
      .no_additional_properties()
      .build();
}

SchemaPtr uuid() { return SchemaBuilder().type({"string"}).format(is_uuid_like, "uuid").build(); }

SchemaPtr boolean() {
  boost::json::array values{true,  "True",  "TRUE",  "true",  "1", "ON",  "On",  "on",  "YES", "Yes", "yes", "y", "t",
                            false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO",  "No",  "no",  "n", "f"};
  return SchemaBuilder().type({"boolean", "string"}).enumeration(std::move(values)).build();
}

SchemaPtr hostname() {
  auto body = [](std::string_view s) {
    for (char c : s) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '#' || c == '@' || c == ':' || c == '/' || c == '+';
      if (!ok) return false;
    }
    return true;
  };
  return SchemaBuilder()
      .type({"string", "null"})
      .min_length(1)
      .max_length(255)
      .pattern(python_anchored(body), "'^[a-zA-Z0-9-._#@:/+]*$'")
      .build();
}

std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  return std::string(it->value().get_string());
}

Metadata to_metadata(const boost::json::object& o) {
  Metadata metadata;
  auto it = o.find("metadata");
  if (it == o.end() || it->value().is_null()) return metadata;
  for (const auto& member : it->value().get_object()) {
    metadata.emplace(std::string(member.key()), std::string(member.value().get_string()));
  }
  return metadata;
}

// oslo strutils.bool_from_string for the values the schema's enum admits.
bool truthy(const boost::json::value& v) {
  if (v.is_bool()) return v.get_bool();
  std::string s(v.get_string());
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "1" || s == "t" || s == "true" || s == "on" || s == "y" || s == "yes";
}

}  // namespace

bool is_valid_description(std::string_view text) { return python_anchored(all_printable)(text); }

const Schema& manage_snapshot_schema() {
  static const SchemaPtr kSchema = [] {
    auto snapshot = SchemaBuilder()
                        .type({"object"})
                        .properties({{"description", description()},
                                     {"metadata", metadata_allows_null()},
                                     {"name", name_allow_zero_min_length()},
                                     {"volume_id", uuid()},
                                     {"ref", SchemaBuilder().type({"object", "null", "string"}).build()}})
                        .required({"ref", "volume_id"})
                        .no_additional_properties()
                        .build();
    return SchemaBuilder()
        .type({"object"})
        .properties({{"snapshot", snapshot}})
        .required({"snapshot"})
        .no_additional_properties()
        .build();
  }();
  return *kSchema;
}

const Schema& manage_volume_schema() {
  static const SchemaPtr kSchema = [] {
    auto volume = SchemaBuilder()
                      .type({"object"})
                      .properties({{"description", description()},
                                   {"availability_zone", name_allow_zero_min_length()},
                                   {"bootable", boolean()},
                                   {"volume_type", name_allow_zero_min_length()},
                                   {"name", name_allow_zero_min_length()},
                                   {"host", hostname()},
                                   {"cluster", name_allow_zero_min_length()},
                                   {"ref", SchemaBuilder().type({"object", "null", "string"}).build()},
                                   {"metadata", metadata_allows_null()}})
                      .required({"ref"})
                      .no_additional_properties()
                      .build();
    return SchemaBuilder()
        .type({"object"})
        .properties({{"volume", volume}})
        .required({"volume"})
        .no_additional_properties()
        .build();
  }();
  return *kSchema;
}

snapmgr::StringMap ref_to_string_map(const boost::json::value& ref) {
  snapmgr::StringMap map;
  if (ref.is_string()) {
    map.set("source-name", std::string(ref.get_string()));
  } else if (ref.is_object()) {
    for (const auto& member : ref.get_object()) {
      const auto& v = member.value();
      map.set(std::string(member.key()), v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v));
    }
  }
  return map;
}

snapmgr::Result<ManageSnapshotRequest, ApiError> parse_manage_snapshot_body(const boost::json::value& body) {
  if (auto e = validate(manage_snapshot_schema(), body)) return ApiError::bad_request(e->cinder_message());
  const auto& s = body.get_object().at("snapshot").get_object();
  ManageSnapshotRequest request;
  request.volume_id = std::string(s.at("volume_id").get_string());
  request.ref = ref_to_string_map(s.at("ref"));
  request.name = optional_string(s, "name");
  request.description = optional_string(s, "description");
  request.metadata = to_metadata(s);
  return request;
}

snapmgr::Result<ManageVolumeRequest, ApiError> parse_manage_volume_body(const boost::json::value& body,
                                                                        const ApiVersion& version) {
  if (auto e = validate(manage_volume_schema(), body)) return ApiError::bad_request(e->cinder_message());
  const auto& v = body.get_object().at("volume").get_object();
  ManageVolumeRequest request;
  request.host = optional_string(v, "host").value_or("");
  bool cluster_allowed = version >= kVolumeMigrateCluster;
  request.cluster = cluster_allowed ? optional_string(v, "cluster").value_or("") : "";
  if (request.host.empty() == request.cluster.empty()) {
    return ApiError::bad_request(
        std::string("Invalid input received: ") +
        (cluster_allowed ? "One and only one of cluster and host must be set." : "Host field is missing."));
  }
  request.ref = ref_to_string_map(v.at("ref"));
  request.name = optional_string(v, "name");
  request.description = optional_string(v, "description");
  request.volume_type = optional_string(v, "volume_type");
  request.availability_zone = optional_string(v, "availability_zone");
  if (auto it = v.find("bootable"); it != v.end()) request.bootable = truthy(it->value());
  request.metadata = to_metadata(v);
  return request;
}

}  // namespace snapmgr::core::api
