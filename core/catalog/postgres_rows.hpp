// Mapping between catalog records and PostgreSQL rows (column lists, reading a row, metadata,
// the WHERE clause of a RowQuery with $n parameters). Internal to the PostgreSQL catalog; the
// column lists are the SQLite ones (sqlite_rows.hpp), the types PostgreSQL's (BOOLEAN, BIGINT).
#pragma once

#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/row>
#include <pqxx/transaction_base>

#include "core/catalog/catalog.hpp"
#include "core/catalog/row_columns.hpp"

namespace snapmgr::core::postgres_rows {

using core::kSnapshotColumns;  // in read_snapshot's order
using core::kVolumeColumns;    // in read_volume's order

VolumeRecord read_volume(const pqxx::row& row);
SnapshotRecord read_snapshot(const pqxx::row& row);

struct MetadataTable {
  const char* owners;     // "volumes" / "snapshots"
  const char* table;      // "volume_metadata" / "snapshot_metadata"
  const char* id_column;  // "volume_id" / "snapshot_id"
};
MetadataTable metadata_table(ObjectKind kind);

Metadata read_metadata(pqxx::transaction_base& tx, const MetadataTable& t, const std::string& id);
// Sets each key of `metadata` on `id` (adds it, or overwrites its value).
void write_metadata(pqxx::transaction_base& tx, const MetadataTable& t, const std::string& id,
                    const Metadata& metadata);

// " WHERE NOT deleted AND ..." for `query`; the values to bind, in order ($1...), go to `params`.
std::string where_clause(const RowQuery& query, ObjectKind kind, std::vector<std::string>& params);

// "$<n>" for the next parameter of `params` once `value` is appended to it.
std::string bind(std::vector<std::string>& params, std::string value);

// Text ordered bytewise (COLLATE "C"), as SQLite orders it, whatever the database's collation.
inline constexpr const char* kByteOrder = " COLLATE \"C\"";

}  // namespace snapmgr::core::postgres_rows
