#include "core/catalog/sqlite_rows.hpp"

#include "core/catalog/reference_codec.hpp"

namespace snapmgr::core::sqlite_rows {

namespace {

std::optional<std::string> optional_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

snapmgr::StringMap reference(const SQLite::Column& c) {
  return from_json_object(c.getString()).value_or(snapmgr::StringMap{});
}

}  // namespace

VolumeRecord read_volume(SQLite::Statement& row) {
  VolumeRecord v;
  v.id = row.getColumn(0).getString();
  v.project_id = row.getColumn(1).getString();
  v.user_id = row.getColumn(2).getString();
  v.name = optional_text(row.getColumn(3));
  v.description = optional_text(row.getColumn(4));
  v.status = row.getColumn(5).getString();
  v.size_gib = row.getColumn(6).getInt64();
  v.backend = row.getColumn(7).getString();
  v.cluster = row.getColumn(8).getString();
  v.availability_zone = row.getColumn(9).getString();
  v.volume_type = optional_text(row.getColumn(10));
  v.bootable = row.getColumn(11).getInt() != 0;
  v.provider_reference = reference(row.getColumn(12));
  v.created_at = row.getColumn(13).getString();
  v.updated_at = optional_text(row.getColumn(14));
  v.deleted = row.getColumn(15).getInt() != 0;
  v.pool = row.getColumn(16).getString();
  v.job_request_id = row.getColumn(17).getString();
  return v;
}

SnapshotRecord read_snapshot(SQLite::Statement& row) {
  SnapshotRecord s;
  s.id = row.getColumn(0).getString();
  s.volume_id = row.getColumn(1).getString();
  s.project_id = row.getColumn(2).getString();
  s.user_id = row.getColumn(3).getString();
  s.name = optional_text(row.getColumn(4));
  s.description = optional_text(row.getColumn(5));
  s.status = row.getColumn(6).getString();
  s.size_gib = row.getColumn(7).getInt64();
  s.backend = row.getColumn(8).getString();
  s.provider_reference = reference(row.getColumn(9));
  s.progress = row.getColumn(10).getString();
  s.created_at = row.getColumn(11).getString();
  s.updated_at = optional_text(row.getColumn(12));
  s.deleted = row.getColumn(13).getInt() != 0;
  s.job_request_id = row.getColumn(14).getString();
  if (!row.getColumn(15).isNull()) s.job_size_gib = row.getColumn(15).getInt64();
  return s;
}

MetadataTable metadata_table(ObjectKind kind) {
  if (kind == ObjectKind::Volume) return {"volumes", "volume_metadata", "volume_id"};
  return {"snapshots", "snapshot_metadata", "snapshot_id"};
}

Metadata read_metadata(SQLite::Database& db, const char* table, const char* id_column, const std::string& id) {
  Metadata m;
  SQLite::Statement q(db, std::string("SELECT key, value FROM ") + table + " WHERE " + id_column + " = ?");
  q.bind(1, id);
  while (q.executeStep()) m.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
  return m;
}

void write_metadata(SQLite::Database& db, const char* table, const char* id_column, const std::string& id,
                    const Metadata& metadata) {
  SQLite::Statement insert(db, std::string("INSERT INTO ") + table + " (" + id_column +
                                   ", key, value) VALUES (?, ?, ?) " + "ON CONFLICT (" + id_column +
                                   ", key) DO UPDATE SET value = excluded.value");
  for (const auto& [key, value] : metadata) {
    insert.bind(1, id);
    insert.bind(2, key);
    insert.bind(3, value);
    insert.exec();
    insert.reset();
  }
}

std::string where_clause(const RowQuery& query, ObjectKind kind, std::vector<std::string>& params) {
  std::string sql = " WHERE deleted = 0";
  if (query.project_id) {
    sql += " AND project_id = ?";
    params.push_back(*query.project_id);
  }
  if (query.name && kind == ObjectKind::Volume) {
    sql += " AND name = ?";
    params.push_back(*query.name);
  }
  if (query.volume_id && kind == ObjectKind::Snapshot) {
    sql += " AND volume_id = ?";
    params.push_back(*query.volume_id);
  }
  if (query.backend) {
    sql += " AND backend = ?";
    params.push_back(*query.backend);
  }
  if (!query.statuses.empty()) {
    sql += " AND status IN (";
    for (std::size_t i = 0; i < query.statuses.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(query.statuses[i]);
    }
    sql += ")";
  }
  return sql;
}

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value) {
  if (value)
    statement.bind(index, *value);
  else
    statement.bind(index);  // NULL
}

}  // namespace snapmgr::core::sqlite_rows
