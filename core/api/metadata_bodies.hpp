// The request bodies of the */metadata endpoints, checked as Cinder 2023.1 checks them, with its
// messages. Volumes and snapshots differ there, and the differences are Cinder's:
//
//   volumes    jsonschema (cinder/api/schemas/volume_metadata.py): POST and PUT on the collection
//              {"metadata": {<key ^[a-zA-Z0-9-_:. /]{1,255}$>: <string ≤ 255>}}, nothing else;
//              PUT on a key {"meta": {...}} with exactly one property. A key of 256 characters
//              fails the key pattern, a value of 256 is "too long" — both 400.
//   snapshots  no schema (cinder/api/v3/snapshot_metadata.py): wsgi's assert_valid_body ("Missing
//              required element 'metadata' in request body." unless the body has the element and
//              it is an object; other top-level keys are ignored), then
//              utils.check_metadata_properties over the metadata as it would be after the write:
//              an empty key or a value that is not a string → 400 "Invalid metadata: ...", a key
//              or value over 255 characters → 413 "Invalid metadata size: ...". Any other key
//              text is accepted, as Cinder accepts it.
//   both       PUT on a key: the body's one key must be the URI's ("Request body and URI
//              mismatch"); snapshots then refuse a second key ("Request body contains too many
//              items"; for volumes the schema's maxProperties says it first).
//
// Deliberate differences (docs/cinder-compatibility.md §6.4): no body at all is 400 (Cinder: 500 for volumes), and a
// top-level "type" key in a volume body is an additional property (Cinder's schema lists a bogus
// property "type" that crashes its validator: 500).
//
// Thread-safety: pure functions; the schemas are built once and immutable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/api/faults.hpp"
#include "core/catalog/records.hpp"

namespace snapmgr::core::api {

// Which body: POST/PUT on the collection ("metadata") or PUT on one key ("meta").
enum class MetadataBody { Collection, Item };

// A problem with a body: the status (400 or 413) and Cinder's message.
using MetadataProblem = ApiError;

// Volumes: the schema, then (Item) the URI key check. `uri_key` is the route's key.
std::optional<MetadataProblem> check_volume_metadata_body(const boost::json::value& body, MetadataBody which,
                                                          std::string_view uri_key);

// Snapshots, before the snapshot is looked up: assert_valid_body, then (Item) the URI key and
// item count checks.
std::optional<MetadataProblem> check_snapshot_metadata_body(const boost::json::value& body, MetadataBody which,
                                                            std::string_view uri_key);

// Snapshots, after the lookup: check_metadata_properties over `current` merged with `given` (or
// `given` alone when `replace`), in the order Python iterates the merged dict.
std::optional<MetadataProblem> check_snapshot_metadata_properties(const Metadata& current,
                                                                  const boost::json::object& given, bool replace);

// The body's "metadata" / "meta" object (the checks above have passed).
const boost::json::object& metadata_element(const boost::json::value& body, MetadataBody which);

// A checked element as catalog metadata (every value is a string by then).
Metadata to_metadata(const boost::json::object& element);

}  // namespace snapmgr::core::api
