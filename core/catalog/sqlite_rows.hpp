// Mapping between catalog records and SQLite rows (column lists, reading a row, metadata,
// building the WHERE clause of a RowQuery). Internal to the SQLite catalog.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "core/catalog/catalog.hpp"
#include "core/catalog/row_columns.hpp"

namespace snapmgr::core::sqlite_rows {

using core::kSnapshotColumns;  // in read_snapshot's order
using core::kVolumeColumns;    // in read_volume's order

VolumeRecord read_volume(SQLite::Statement& row);
SnapshotRecord read_snapshot(SQLite::Statement& row);

// Where a kind's metadata lives: the owners' table, the metadata table and its id column.
struct MetadataTable {
  const char* owners;     // "volumes" / "snapshots"
  const char* table;      // "volume_metadata" / "snapshot_metadata"
  const char* id_column;  // "volume_id" / "snapshot_id"
};
MetadataTable metadata_table(ObjectKind kind);

// Loads the metadata of `id` from `table` ("volume_metadata" / "snapshot_metadata").
Metadata read_metadata(SQLite::Database& db, const char* table, const char* id_column, const std::string& id);
// Sets each key of `metadata` on `id` (adds it, or overwrites its value).
void write_metadata(SQLite::Database& db, const char* table, const char* id_column, const std::string& id,
                    const Metadata& metadata);

// " WHERE deleted = 0 AND ..." for `query`; the values to bind, in order, go to `params`.
std::string where_clause(const RowQuery& query, ObjectKind kind, std::vector<std::string>& params);

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value);

}  // namespace snapmgr::core::sqlite_rows
