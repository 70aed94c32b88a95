#include "core/catalog/postgres_rows.hpp"

#include <pqxx/prepared_statement>

#include "core/catalog/reference_codec.hpp"

namespace snapmgr::core::postgres_rows {

namespace {

std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

snapmgr::StringMap reference(const pqxx::field& f) {
  return from_json_object(f.as<std::string>()).value_or(snapmgr::StringMap{});
}

}  // namespace

VolumeRecord read_volume(const pqxx::row& row) {
  VolumeRecord v;
  v.id = row[0].as<std::string>();
  v.project_id = row[1].as<std::string>();
  v.user_id = row[2].as<std::string>();
  v.name = optional_text(row[3]);
  v.description = optional_text(row[4]);
  v.status = row[5].as<std::string>();
  v.size_gib = row[6].as<std::int64_t>();
  v.backend = row[7].as<std::string>();
  v.cluster = row[8].as<std::string>();
  v.availability_zone = row[9].as<std::string>();
  v.volume_type = optional_text(row[10]);
  v.bootable = row[11].as<bool>();
  v.provider_reference = reference(row[12]);
  v.created_at = row[13].as<std::string>();
  v.updated_at = optional_text(row[14]);
  v.deleted = row[15].as<bool>();
  v.pool = row[16].as<std::string>();
  v.job_request_id = row[17].as<std::string>();
  return v;
}

SnapshotRecord read_snapshot(const pqxx::row& row) {
  SnapshotRecord s;
  s.id = row[0].as<std::string>();
  s.volume_id = row[1].as<std::string>();
  s.project_id = row[2].as<std::string>();
  s.user_id = row[3].as<std::string>();
  s.name = optional_text(row[4]);
  s.description = optional_text(row[5]);
  s.status = row[6].as<std::string>();
  s.size_gib = row[7].as<std::int64_t>();
  s.backend = row[8].as<std::string>();
  s.provider_reference = reference(row[9]);
  s.progress = row[10].as<std::string>();
  s.created_at = row[11].as<std::string>();
  s.updated_at = optional_text(row[12]);
  s.deleted = row[13].as<bool>();
  s.job_request_id = row[14].as<std::string>();
  if (!row[15].is_null()) s.job_size_gib = row[15].as<std::int64_t>();
  return s;
}

MetadataTable metadata_table(ObjectKind kind) {
  if (kind == ObjectKind::Volume) return {"volumes", "volume_metadata", "volume_id"};
  return {"snapshots", "snapshot_metadata", "snapshot_id"};
}

Metadata read_metadata(pqxx::transaction_base& tx, const MetadataTable& t, const std::string& id) {
  Metadata m;
  for (const auto& row :
       tx.exec_params(std::string("SELECT key, value FROM ") + t.table + " WHERE " + t.id_column + " = $1", id)) {
    m.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return m;
}

void write_metadata(pqxx::transaction_base& tx, const MetadataTable& t, const std::string& id,
                    const Metadata& metadata) {
  const std::string sql = std::string("INSERT INTO ") + t.table + " (" + t.id_column +
                          ", key, value) VALUES ($1, $2, $3) " + "ON CONFLICT (" + t.id_column +
                          ", key) DO UPDATE SET value = excluded.value";
  for (const auto& [key, value] : metadata) tx.exec_params(sql, id, key, value);
}

std::string bind(std::vector<std::string>& params, std::string value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

std::string where_clause(const RowQuery& query, ObjectKind kind, std::vector<std::string>& params) {
  std::string sql = " WHERE NOT deleted";
  if (query.project_id) sql += " AND project_id = " + bind(params, *query.project_id);
  if (query.name && kind == ObjectKind::Volume) sql += " AND name = " + bind(params, *query.name);
  if (query.volume_id && kind == ObjectKind::Snapshot) sql += " AND volume_id = " + bind(params, *query.volume_id);
  if (query.backend) sql += " AND backend = " + bind(params, *query.backend);
  if (!query.statuses.empty()) {
    sql += " AND status IN (";
    for (std::size_t i = 0; i < query.statuses.size(); ++i) sql += (i ? ", " : "") + bind(params, query.statuses[i]);
    sql += ")";
  }
  return sql;
}

}  // namespace snapmgr::core::postgres_rows
