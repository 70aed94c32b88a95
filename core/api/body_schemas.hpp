// The POST bodies of the manage calls: Cinder's schemas (cinder/api/schemas/snapshot_manage.py,
// volume_manage.py with parameter_types), checked with Cinder's messages, then turned into the
// service's requests (docs/cinder-compatibility.md §2.6, §2.9, §4).
//
//   snapshot: {volume_id (uuid-like), ref (object|null|string), name (0..255 | null),
//              description (0..255 printable | null), metadata (keys ^[a-zA-Z0-9-_:. /]{1,255}$,
//              string values ≤ 255 | null)}; required ref and volume_id; nothing else.
//   volume:   {host, cluster, ref, name, description, volume_type, availability_zone, bootable,
//              metadata}; required ref; nothing else.
//
// Deliberate difference (docs/cinder-compatibility.md §6.4): Cinder's snapshot schema lists a bogus property named
// "type", so a top-level "type" key crashes its validator (500); here it is an additional
// property like any other (400).
//
// `ref` becomes a StringMap: an object's members as strings (a non-string member as its JSON
// text), a string s as {"source-name": s}, null as an empty map (the service rejects it with a
// precise 400).
//
// Thread-safety: pure functions; the schemas are built once and immutable.
#pragma once

#include <boost/json/value.hpp>

#include "core/adoption/manage_service.hpp"
#include "core/api/faults.hpp"
#include "core/api/microversion.hpp"
#include "core/python_compat/json_schema.hpp"

namespace snapmgr::core::api {

const python_compat::Schema& manage_snapshot_schema();
const python_compat::Schema& manage_volume_schema();

snapmgr::Result<ManageSnapshotRequest, ApiError> parse_manage_snapshot_body(const boost::json::value& body);

// Also applies Cinder's host/cluster rule: from 3.16 exactly one of `host` and `cluster`
// ("Invalid input received: One and only one of cluster and host must be set."), before it
// `host` ("Invalid input received: Host field is missing.").
snapmgr::Result<ManageVolumeRequest, ApiError> parse_manage_volume_body(const boost::json::value& body,
                                                                        const ApiVersion& version);

snapmgr::StringMap ref_to_string_map(const boost::json::value& ref);

// Cinder's description rule (printable BMP characters; one trailing newline passes, as Python's
// `$` allows it).
bool is_valid_description(std::string_view text);

}  // namespace snapmgr::core::api
