#include "core/catalog/postgres_catalog.hpp"

#include <cstdio>
#include <map>
#include <random>

#include <pqxx/prepared_statement>
#include <pqxx/transaction>

#include "core/catalog/postgres_call.hpp"
#include "core/catalog/postgres_migrations.hpp"
#include "core/catalog/postgres_rows.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/catalog/reference_scope.hpp"
#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {
namespace rows = postgres_rows;
using postgres_call::commit;

namespace {

// A NULL parameter for an absent value.
const char* nullable(const std::optional<std::string>& value) { return value ? value->c_str() : nullptr; }

ServiceError conflict(const char* kind, const std::string& backend, const snapmgr::StringMap& reference) {
  return {Fault::Conflict, std::string("The ") + kind + " " + to_canonical_json(reference) + " on backend " + backend +
                               " is already managed or being adopted."};
}

// Reads that span statements (rows, then their metadata) see one snapshot.
using ReadTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// How long a reference move is logged (catalog.hpp): longer than any driver call's deadline.
constexpr std::chrono::hours kReferenceMovesKept{2};

// Whether, since `mark`, a row of `kind` in `scope` moved off `reference` (Catalog::reference_mark).
// Run after the insert: the unique index made a concurrent move of `reference` commit first, so
// this statement's snapshot sees it.
bool moved_off_since(pqxx::transaction_base& tx, const char* kind, const std::string& scope,
                     const std::string& reference, std::uint64_t mark) {
  return !tx.exec_params(
                "SELECT 1 FROM reference_moves WHERE scope = $1 AND reference = $2 AND kind = $3 "
                "AND seq > $4 LIMIT 1",
                scope, reference, kind, static_cast<std::int64_t>(mark))
              .empty();
}

// Logs a row's move off `reference`, and forgets moves older than the log keeps them.
void log_move(pqxx::transaction_base& tx, const char* kind, const std::string& scope, const std::string& reference,
              const std::string& id, const std::string& now) {
  tx.exec_params("DELETE FROM reference_moves WHERE moved_at < $1",
                 format_timestamp(std::chrono::system_clock::now() - kReferenceMovesKept));
  tx.exec_params("INSERT INTO reference_moves (kind, scope, reference, row_id, moved_at) VALUES ($1, $2, $3, $4, $5)",
                 kind, scope, reference, id, now);
}

}  // namespace

PostgresCatalog::PostgresCatalog(const PostgresSettings& settings) : pool_(settings) {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  instance_ = text;
}

PostgresCatalog::~PostgresCatalog() { listener_.reset(); }

ServiceResult<std::unique_ptr<PostgresCatalog>> PostgresCatalog::open(const PostgresSettings& settings) {
  std::unique_ptr<PostgresCatalog> catalog(new PostgresCatalog(settings));
  auto migrated = catalog->run<Done>("migrating the schema",
                                     [&](pqxx::connection& c) { return migrate_postgres(c, catalog->display_url()); });
  if (!migrated) return migrated.error();
  PostgresCatalog* self = catalog.get();
  auto listener = PostgresListener::start(
      catalog->pool_, {kCatalogChannel, kJobsChannel},
      {[self](const std::string& channel, const std::string& payload) { self->heard(channel, payload); },
       [self] { self->missed(); }});
  if (!listener) return listener.error();
  catalog->listener_ = std::move(*listener);
  return catalog;
}

void PostgresCatalog::notify(pqxx::transaction_base& tx, bool job_queued) const {
  tx.exec_params("SELECT pg_notify($1, $2)", kCatalogChannel, instance_);
  if (job_queued) tx.exec_params("SELECT pg_notify($1, $2)", kJobsChannel, instance_);
}

void PostgresCatalog::heard(const std::string& channel, const std::string& payload) {
  if (payload == instance_) return;
  if (channel == kCatalogChannel) generation_.fetch_add(2);  // parity kept: see Catalog::generation()
  if (channel == kJobsChannel) wake_workers();
}

void PostgresCatalog::missed() {
  generation_.fetch_add(2);
  wake_workers();
}

ServiceStatus PostgresCatalog::upsert_service(const VolumeServiceRow& row) {
  return run<Done>("registering service " + row.host + "@" + row.backend, [&](pqxx::connection& c) -> ServiceStatus {
    pqxx::work tx(c);
    const auto now = now_timestamp();
    tx.exec_params(
        "INSERT INTO services (host, backend, cluster, disabled, created_at, updated_at, "
        "availability_zone, advertise_url, backend_up) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (host, backend) DO UPDATE SET cluster = excluded.cluster, "
        "disabled = excluded.disabled, updated_at = excluded.updated_at, "
        "availability_zone = excluded.availability_zone, advertise_url = excluded.advertise_url, "
        "backend_up = excluded.backend_up",
        row.host, row.backend, row.cluster, row.disabled, now, now, row.availability_zone, row.advertise_url,
        row.backend_up);
    commit(tx, c);
    return Done{};
  });
}

ServiceResult<std::size_t> PostgresCatalog::heartbeat(const std::string& host,
                                                      const std::vector<std::string>& backends) {
  return run<std::size_t>("heartbeat", [&](pqxx::connection& c) -> ServiceResult<std::size_t> {
    pqxx::work tx(c);
    const auto now = now_timestamp();
    std::size_t found = 0;
    for (const auto& backend : backends) {
      found += static_cast<std::size_t>(
          tx.exec_params("UPDATE services SET updated_at = $1 WHERE host = $2 AND backend = $3", now, host, backend)
              .affected_rows());
    }
    commit(tx, c);
    return found;
  });
}

ServiceResult<std::vector<VolumeServiceRow>> PostgresCatalog::services() {
  return run<std::vector<VolumeServiceRow>>("listing services", [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    std::vector<VolumeServiceRow> out;
    for (const auto& r : tx.exec(std::string("SELECT host, backend, cluster, disabled, updated_at, availability_zone, "
                                             "advertise_url, backend_up FROM services ORDER BY host") +
                                 rows::kByteOrder + ", backend" + rows::kByteOrder)) {
      VolumeServiceRow row;
      row.host = r[0].as<std::string>();
      row.backend = r[1].as<std::string>();
      row.cluster = r[2].as<std::string>();
      row.disabled = r[3].as<bool>();
      row.updated_at = r[4].as<std::string>();
      row.availability_zone = r[5].as<std::string>();
      row.advertise_url = r[6].as<std::string>();
      row.backend_up = r[7].as<bool>();
      out.push_back(std::move(row));
    }
    return ServiceResult<std::vector<VolumeServiceRow>>(std::move(out));
  });
}

ServiceResult<std::uint64_t> PostgresCatalog::reference_mark() {
  return run<std::uint64_t>("reading the reference moves", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return ServiceResult<std::uint64_t>(static_cast<std::uint64_t>(
        tx.exec("SELECT coalesce(max(seq), 0) FROM reference_moves")[0][0].as<std::int64_t>()));
  });
}

ServiceStatus PostgresCatalog::insert_volume(const VolumeRecord& v) {
  return run<Done>("inserting volume " + v.id, [&](pqxx::connection& c) -> ServiceStatus {
    pqxx::work tx(c);
    const std::string scope = reference_scope(v.backend, v.cluster);
    try {
      tx.exec_params(
          std::string("INSERT INTO volumes (") + rows::kVolumeColumns +
              ", scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, false, $16, "
              "$17, $18)",
          v.id, v.project_id, v.user_id, nullable(v.name), nullable(v.description), v.status, v.size_gib, v.backend,
          v.cluster, v.availability_zone, nullable(v.volume_type), v.bootable, to_canonical_json(v.provider_reference),
          v.created_at, nullable(v.updated_at), v.pool, v.job_request_id, scope);
      if (v.inspected_after &&
          moved_off_since(tx, "volume", scope, to_canonical_json(v.provider_reference), *v.inspected_after)) {
        return conflict("volume", v.backend, v.provider_reference);  // rolled back
      }
      rows::write_metadata(tx, rows::metadata_table(ObjectKind::Volume), v.id, v.metadata);
    } catch (const pqxx::unique_violation&) {
      return conflict("volume", v.backend, v.provider_reference);
    }
    notify(tx, v.status == "creating");
    WriteWindow window(*this);
    commit(tx, c);
    return Done{};
  });
}

ServiceStatus PostgresCatalog::insert_snapshot(const SnapshotRecord& s) {
  const std::optional<std::string> size_text =
      s.job_size_gib ? std::optional<std::string>(std::to_string(*s.job_size_gib)) : std::nullopt;
  return run<Done>("inserting snapshot " + s.id, [&](pqxx::connection& c) -> ServiceStatus {
    pqxx::work tx(c);
    // FOR SHARE: the parent's status cannot change (an unmanage starting) until this commits.
    auto parent =
        tx.exec_params("SELECT status, cluster FROM volumes WHERE id = $1 AND NOT deleted FOR SHARE", s.volume_id);
    if (parent.empty() ||
        (parent[0][0].as<std::string>() != "available" && parent[0][0].as<std::string>() != "in-use")) {
      return ServiceError{Fault::Conflict,
                          "Volume " + s.volume_id + " is no longer available or in-use; the snapshot was not adopted."};
    }
    const std::string scope = reference_scope(s.backend, parent[0][1].as<std::string>());  // its volume's cluster
    try {
      tx.exec_params(
          std::string("INSERT INTO snapshots (") + rows::kSnapshotColumns +
              ", scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false, $14, $15, $16)",
          s.id, s.volume_id, s.project_id, s.user_id, nullable(s.name), nullable(s.description), s.status, s.size_gib,
          s.backend, to_canonical_json(s.provider_reference), s.progress, s.created_at, nullable(s.updated_at),
          s.job_request_id, nullable(size_text), scope);
      if (s.inspected_after &&
          moved_off_since(tx, "snapshot", scope, to_canonical_json(s.provider_reference), *s.inspected_after)) {
        return conflict("snapshot", s.backend, s.provider_reference);  // rolled back
      }
      rows::write_metadata(tx, rows::metadata_table(ObjectKind::Snapshot), s.id, s.metadata);
    } catch (const pqxx::unique_violation&) {
      return conflict("snapshot", s.backend, s.provider_reference);
    }
    notify(tx, s.status == "creating");
    WriteWindow window(*this);
    commit(tx, c);
    return Done{};
  });
}

ServiceResult<std::optional<VolumeRecord>> PostgresCatalog::find_volume(const std::string& id) {
  return run<std::optional<VolumeRecord>>("reading volume " + id, [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    auto r = tx.exec_params(
        std::string("SELECT ") + rows::kVolumeColumns + " FROM volumes WHERE id = $1 AND NOT deleted", id);
    if (r.empty()) return ServiceResult<std::optional<VolumeRecord>>(std::nullopt);
    VolumeRecord v = rows::read_volume(r[0]);
    v.metadata = rows::read_metadata(tx, rows::metadata_table(ObjectKind::Volume), v.id);
    return ServiceResult<std::optional<VolumeRecord>>(std::move(v));
  });
}

ServiceResult<std::optional<SnapshotRecord>> PostgresCatalog::find_snapshot(const std::string& id) {
  return run<std::optional<SnapshotRecord>>("reading snapshot " + id, [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    auto r = tx.exec_params(
        std::string("SELECT ") + rows::kSnapshotColumns + " FROM snapshots WHERE id = $1 AND NOT deleted", id);
    if (r.empty()) return ServiceResult<std::optional<SnapshotRecord>>(std::nullopt);
    SnapshotRecord s = rows::read_snapshot(r[0]);
    s.metadata = rows::read_metadata(tx, rows::metadata_table(ObjectKind::Snapshot), s.id);
    return ServiceResult<std::optional<SnapshotRecord>>(std::move(s));
  });
}

namespace {

// The rows of one kind matching `query`, newest first, with their metadata: two statements
// (rows, then the metadata of the same rows through a join) in one snapshot.
template <class Record, class Read>
std::vector<Record> find_rows(pqxx::transaction_base& tx, ObjectKind kind, const char* columns, const RowQuery& query,
                              Read read) {
  const auto t = rows::metadata_table(kind);
  std::vector<std::string> params;
  const std::string where = rows::where_clause(query, kind, params);
  std::vector<Record> out;
  std::map<std::string, std::size_t> index;
  for (const auto& r : tx.exec_params(std::string("SELECT ") + columns + " FROM " + t.owners + where +
                                          " ORDER BY created_at" + rows::kByteOrder + " DESC, id" + rows::kByteOrder,
                                      pqxx::prepare::make_dynamic_params(params))) {
    out.push_back(read(r));
    index.emplace(out.back().id, out.size() - 1);
  }
  if (out.empty()) return out;
  for (const auto& r : tx.exec_params(std::string("SELECT m.") + t.id_column + ", m.key, m.value FROM " + t.table +
                                          " m JOIN " + t.owners + " ON " + t.owners + ".id = m." + t.id_column + where,
                                      pqxx::prepare::make_dynamic_params(params))) {
    auto it = index.find(r[0].as<std::string>());
    if (it != index.end()) out[it->second].metadata.emplace(r[1].as<std::string>(), r[2].as<std::string>());
  }
  return out;
}

}  // namespace

ServiceResult<std::vector<VolumeRecord>> PostgresCatalog::find_volumes(const RowQuery& query) {
  return run<std::vector<VolumeRecord>>("listing volumes", [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    return ServiceResult<std::vector<VolumeRecord>>(
        find_rows<VolumeRecord>(tx, ObjectKind::Volume, rows::kVolumeColumns, query, rows::read_volume));
  });
}

ServiceResult<std::vector<SnapshotRecord>> PostgresCatalog::find_snapshots(const RowQuery& query) {
  return run<std::vector<SnapshotRecord>>("listing snapshots", [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    return ServiceResult<std::vector<SnapshotRecord>>(
        find_rows<SnapshotRecord>(tx, ObjectKind::Snapshot, rows::kSnapshotColumns, query, rows::read_snapshot));
  });
}

ServiceResult<bool> PostgresCatalog::update_volume(const std::string& id, const RowUpdate& update) {
  return update_row("volumes", id, update);
}

ServiceResult<bool> PostgresCatalog::update_snapshot(const std::string& id, const RowUpdate& update) {
  return update_row("snapshots", id, update);
}

ServiceResult<bool> PostgresCatalog::update_row(const char* table, const std::string& id, const RowUpdate& update) {
  const bool snapshots = std::string_view(table) == "snapshots";
  std::vector<std::string> params;
  const std::string now = rows::bind(params, now_timestamp());
  std::string sql = std::string("UPDATE ") + table + " SET updated_at = " + now;
  if (update.soft_delete) {
    sql += ", deleted = true, deleted_at = " + now + ", status = 'deleted'";
  } else if (update.status) {
    sql += ", status = " + rows::bind(params, *update.status);
  }
  if (update.soft_delete || update.status) sql += ", claimed_by = '', claimed_at = NULL";
  if (update.job_request_id) sql += ", job_request_id = " + rows::bind(params, *update.job_request_id);
  if (update.size_gib) sql += ", size_gib = " + rows::bind(params, std::to_string(*update.size_gib));
  if (update.provider_reference) {
    sql += ", provider_reference = " + rows::bind(params, to_canonical_json(*update.provider_reference));
  }
  sql += " WHERE id = " + rows::bind(params, id) + " AND NOT deleted";
  if (update.require_no_live_snapshots && !snapshots) {
    sql += " AND NOT EXISTS (SELECT 1 FROM snapshots WHERE snapshots.volume_id = volumes.id AND NOT snapshots.deleted)";
  }
  if (!update.expected_status.empty()) {
    sql += " AND status IN (";
    for (std::size_t i = 0; i < update.expected_status.size(); ++i) {
      sql += (i ? ", " : "") + rows::bind(params, update.expected_status[i]);
    }
    sql += ")";
  }
  const bool queues_job =
      !update.soft_delete && update.status && (*update.status == "creating" || *update.status == "unmanaging");
  const std::string what = std::string("updating ") + (snapshots ? "snapshot " : "volume ") + id;
  return run<bool>(what, [&](pqxx::connection& c) -> ServiceResult<bool> {
    pqxx::work tx(c);
    bool applied = false;
    try {
      // The row first: its conditions (status, no live snapshot) are then checked on data no
      // concurrent write changes before this one commits.
      auto before = tx.exec_params(
          std::string("SELECT scope, provider_reference FROM ") + table + " WHERE id = $1 FOR NO KEY UPDATE", id);
      applied = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params)).affected_rows() > 0;
      if (applied && update.provider_reference && !before.empty() &&
          before[0][1].as<std::string>() != to_canonical_json(*update.provider_reference)) {
        log_move(tx, snapshots ? "snapshot" : "volume", before[0][0].as<std::string>(), before[0][1].as<std::string>(),
                 id, params[0]);
      }
      if (applied) notify(tx, queues_job);
    } catch (const pqxx::unique_violation&) {
      if (!update.provider_reference) throw;
      return conflict(snapshots ? "snapshot" : "volume", "its backend", *update.provider_reference);
    }
    WriteWindow window(*this);
    commit(tx, c);
    return applied;
  });
}

ServiceResult<std::vector<ManagedReference>> PostgresCatalog::live_references(ObjectKind kind,
                                                                              const std::string& scope) {
  return run<std::vector<ManagedReference>>("reading managed references of " + scope, [&](pqxx::connection& c) {
    ReadTransaction tx(c);
    std::vector<ManagedReference> out;
    for (const auto& r : tx.exec_params(std::string("SELECT id, provider_reference FROM ") +
                                            (kind == ObjectKind::Volume ? "volumes" : "snapshots") +
                                            " WHERE NOT deleted AND scope = $1",
                                        scope)) {
      out.push_back({r[0].as<std::string>(), from_json_object(r[1].as<std::string>()).value_or(snapmgr::StringMap{})});
    }
    return ServiceResult<std::vector<ManagedReference>>(std::move(out));
  });
}

}  // namespace snapmgr::core
