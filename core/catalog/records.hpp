// Catalog rows: the volumes and snapshots snapmgr manages, with Cinder's fields.
//
// Timestamps are Cinder's naive UTC ISO format with microseconds ("2026-11-27T00:18:22.008177").
// `provider_reference` identifies the backend object (what the driver's adopt call returned, or
// while `creating`, the canonical reference being adopted); a live row's (backend,
// provider_reference) pair is unique in the catalog.
//
// A row `creating` or `unmanaging` is a background job (Catalog::claim_jobs); the job_* fields
// carry what its driver step needs beyond the row.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

using Metadata = std::map<std::string, std::string>;

struct VolumeRecord {
  std::string id;  // UUID
  std::string project_id;
  std::string user_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string status;  // creating | available | in-use | error | unmanaging | deleted ...
  std::int64_t size_gib = 0;
  std::string backend;  // "<host>@<backend>"
  std::string pool;     // the backend's pool; Cinder's host is "<backend>#<pool>"
  std::string cluster;  // "" when not clustered
  std::string availability_zone = "nova";
  std::optional<std::string> volume_type;
  bool bootable = false;
  snapmgr::StringMap provider_reference;
  Metadata metadata;
  std::string created_at;
  std::optional<std::string> updated_at;
  bool deleted = false;
  std::string job_request_id;  // the request that queued the row's job ("" for none or unknown)
  // Insert only, not stored: the Catalog::reference_mark() taken before the reference was inspected.
  std::optional<std::uint64_t> inspected_after;
};

struct SnapshotRecord {
  std::string id;  // UUID
  std::string volume_id;
  std::string project_id;  // the caller who adopted it (Cinder: not the volume owner)
  std::string user_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string status;         // creating | available | error | unmanaging | deleted
  std::int64_t size_gib = 0;  // the volume's size until adoption completes (as Cinder)
  std::string backend;        // "<host>@<backend>" of the volume
  snapmgr::StringMap provider_reference;
  Metadata metadata;
  std::string progress = "0%";  // Cinder never updates it for managed snapshots
  std::string created_at;
  std::optional<std::string> updated_at;
  bool deleted = false;
  std::string job_request_id;                    // as on VolumeRecord
  std::optional<std::int64_t> job_size_gib;      // while `creating`: the size inspected before the 202
  std::optional<std::uint64_t> inspected_after;  // as on VolumeRecord
};

}  // namespace snapmgr::core
