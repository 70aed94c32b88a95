// The columns of a volume row and of a snapshot row, in the order each catalog's read_volume /
// read_snapshot reads them: one list for SQLite and PostgreSQL, whose tables have the same columns.
#pragma once

namespace snapmgr::core {

inline constexpr const char* kVolumeColumns =
    "id, project_id, user_id, name, description, status, size_gib, backend, cluster, availability_zone, "
    "volume_type, bootable, provider_reference, created_at, updated_at, deleted, pool, job_request_id";
inline constexpr const char* kSnapshotColumns =
    "id, volume_id, project_id, user_id, name, description, status, size_gib, backend, provider_reference, "
    "progress, created_at, updated_at, deleted, job_request_id, job_size_gib";

}  // namespace snapmgr::core
