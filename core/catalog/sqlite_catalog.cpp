#include "core/catalog/sqlite_catalog.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/catalog/job_claims.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/catalog/reference_scope.hpp"
#include "core/catalog/sqlite_rows.hpp"
#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {
namespace rows = sqlite_rows;

namespace {

constexpr int kBusyTimeoutMs = 10000;
// How long a reference move is logged (catalog.hpp): longer than any driver call's deadline.
constexpr std::chrono::hours kReferenceMovesKept{2};

std::unique_ptr<SQLite::Database> connect(const std::string& path) {
  auto db =
      std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
  db->setBusyTimeout(kBusyTimeoutMs);
  db->exec("PRAGMA foreign_keys = ON");
  return db;
}

ServiceError internal(const std::string& what, const std::exception& e) {
  return {Fault::Internal, "catalog: " + what + " failed: " + e.what()};
}

bool is_unique_violation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

ServiceError conflict(const char* kind, const std::string& backend, const snapmgr::StringMap& reference) {
  return {Fault::Conflict, std::string("The ") + kind + " " + to_canonical_json(reference) + " on backend " + backend +
                               " is already managed or being adopted."};
}

// Whether, since `mark`, a row of `kind` in `scope` moved off `reference` (Catalog::reference_mark).
bool moved_off_since(SQLite::Database& db, const char* kind, const std::string& scope, const std::string& reference,
                     std::uint64_t mark) {
  SQLite::Statement q(db,
                      "SELECT 1 FROM reference_moves WHERE scope = ? AND reference = ? AND kind = ? AND seq > ? "
                      "LIMIT 1");
  q.bind(1, scope);
  q.bind(2, reference);
  q.bind(3, kind);
  q.bind(4, static_cast<int64_t>(mark));
  return q.executeStep();
}

// Logs a row's move off `reference`, and forgets moves older than the log keeps them.
void log_move(SQLite::Database& db, const char* kind, const std::string& scope, const std::string& reference,
              const std::string& id, const std::string& now) {
  SQLite::Statement forget(db, "DELETE FROM reference_moves WHERE moved_at < ?");
  forget.bind(1, format_timestamp(std::chrono::system_clock::now() - kReferenceMovesKept));
  forget.exec();
  SQLite::Statement q(db,
                      "INSERT INTO reference_moves (kind, scope, reference, row_id, moved_at) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, kind);
  q.bind(2, scope);
  q.bind(3, reference);
  q.bind(4, id);
  q.bind(5, now);
  q.exec();
}

}  // namespace

// A reader connection borrowed from the pool for one query.
class SqliteCatalog::ReaderLease {
 public:
  explicit ReaderLease(SqliteCatalog& c) : c_(c) {
    std::unique_lock lock(c_.readers_mutex_);
    c_.reader_free_.wait(lock, [&] { return !c_.idle_readers_.empty(); });
    db_ = std::move(c_.idle_readers_.back());
    c_.idle_readers_.pop_back();
  }
  ~ReaderLease() {
    std::lock_guard lock(c_.readers_mutex_);
    c_.idle_readers_.push_back(std::move(db_));
    c_.reader_free_.notify_one();
  }
  SQLite::Database& db() { return *db_; }

 private:
  SqliteCatalog& c_;
  std::unique_ptr<SQLite::Database> db_;
};

SqliteCatalog::SqliteCatalog(std::string path) : path_(std::move(path)) {}
SqliteCatalog::~SqliteCatalog() = default;

ServiceResult<std::unique_ptr<SqliteCatalog>> SqliteCatalog::open(const std::string& path, int readers) {
  try {
    std::unique_ptr<SqliteCatalog> catalog(new SqliteCatalog(path));
    catalog->writer_ = connect(path);
    catalog->writer_->exec("PRAGMA journal_mode = WAL");
    catalog->writer_->exec("PRAGMA synchronous = NORMAL");
    if (auto st = migrate(*catalog->writer_); !st) return st.error();
    for (int i = 0; i < readers; ++i) catalog->idle_readers_.push_back(connect(path));
    return catalog;
  } catch (const std::exception& e) {
    return ServiceError{Fault::Internal, "cannot open the catalog " + path + ": " + e.what()};
  }
}

ServiceStatus SqliteCatalog::upsert_service(const VolumeServiceRow& row) {
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Statement q(*writer_,
                        "INSERT INTO services (host, backend, cluster, disabled, created_at, updated_at, "
                        "availability_zone, advertise_url, backend_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (host, backend) DO UPDATE SET cluster = excluded.cluster, "
                        "disabled = excluded.disabled, updated_at = excluded.updated_at, "
                        "availability_zone = excluded.availability_zone, advertise_url = excluded.advertise_url, "
                        "backend_up = excluded.backend_up");
    const auto now = now_timestamp();
    q.bind(1, row.host);
    q.bind(2, row.backend);
    q.bind(3, row.cluster);
    q.bind(4, row.disabled ? 1 : 0);
    q.bind(5, now);
    q.bind(6, now);
    q.bind(7, row.availability_zone);
    q.bind(8, row.advertise_url);
    q.bind(9, row.backend_up ? 1 : 0);
    q.exec();
    return Done{};
  } catch (const std::exception& e) {
    return internal("registering service " + row.host + "@" + row.backend, e);
  }
}

ServiceResult<std::size_t> SqliteCatalog::heartbeat(const std::string& host, const std::vector<std::string>& backends) {
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    SQLite::Statement q(*writer_, "UPDATE services SET updated_at = ? WHERE host = ? AND backend = ?");
    const auto now = now_timestamp();
    std::size_t found = 0;
    for (const auto& backend : backends) {
      q.bind(1, now);
      q.bind(2, host);
      q.bind(3, backend);
      found += static_cast<std::size_t>(q.exec());
      q.reset();
    }
    tx.commit();
    return found;
  } catch (const std::exception& e) {
    return internal("heartbeat", e);
  }
}

ServiceResult<std::vector<VolumeServiceRow>> SqliteCatalog::services() {
  try {
    ReaderLease lease(*this);
    SQLite::Statement q(lease.db(),
                        "SELECT host, backend, cluster, disabled, updated_at, availability_zone, advertise_url, "
                        "backend_up FROM services ORDER BY host, backend");
    std::vector<VolumeServiceRow> out;
    while (q.executeStep()) {
      VolumeServiceRow row;
      row.host = q.getColumn(0).getString();
      row.backend = q.getColumn(1).getString();
      row.cluster = q.getColumn(2).getString();
      row.disabled = q.getColumn(3).getInt() != 0;
      row.updated_at = q.getColumn(4).getString();
      row.availability_zone = q.getColumn(5).getString();
      row.advertise_url = q.getColumn(6).getString();
      row.backend_up = q.getColumn(7).getInt() != 0;
      out.push_back(std::move(row));
    }
    return out;
  } catch (const std::exception& e) {
    return internal("listing services", e);
  }
}

ServiceResult<std::uint64_t> SqliteCatalog::reference_mark() {
  try {
    ReaderLease lease(*this);
    return static_cast<std::uint64_t>(
        lease.db().execAndGet("SELECT coalesce(max(seq), 0) FROM reference_moves").getInt64());
  } catch (const std::exception& e) {
    return internal("reading the reference moves", e);
  }
}

ServiceStatus SqliteCatalog::insert_volume(const VolumeRecord& v) {
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    const std::string scope = reference_scope(v.backend, v.cluster);
    SQLite::Statement q(*writer_, std::string("INSERT INTO volumes (") + rows::kVolumeColumns +
                                      ", scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
    q.bind(1, v.id);
    q.bind(2, v.project_id);
    q.bind(3, v.user_id);
    rows::bind_optional(q, 4, v.name);
    rows::bind_optional(q, 5, v.description);
    q.bind(6, v.status);
    q.bind(7, static_cast<int64_t>(v.size_gib));
    q.bind(8, v.backend);
    q.bind(9, v.cluster);
    q.bind(10, v.availability_zone);
    rows::bind_optional(q, 11, v.volume_type);
    q.bind(12, v.bootable ? 1 : 0);
    q.bind(13, to_canonical_json(v.provider_reference));
    q.bind(14, v.created_at);
    rows::bind_optional(q, 15, v.updated_at);
    q.bind(16, v.pool);
    q.bind(17, v.job_request_id);
    q.bind(18, scope);
    q.exec();
    if (v.inspected_after &&
        moved_off_since(*writer_, "volume", scope, to_canonical_json(v.provider_reference), *v.inspected_after)) {
      return conflict("volume", v.backend, v.provider_reference);  // rolled back
    }
    rows::write_metadata(*writer_, "volume_metadata", "volume_id", v.id, v.metadata);
    WriteWindow window(generation_);
    tx.commit();
    return Done{};
  } catch (const SQLite::Exception& e) {
    if (is_unique_violation(e)) return conflict("volume", v.backend, v.provider_reference);
    return internal("inserting volume " + v.id, e);
  } catch (const std::exception& e) {
    return internal("inserting volume " + v.id, e);
  }
}

ServiceStatus SqliteCatalog::insert_snapshot(const SnapshotRecord& s) {
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    SQLite::Statement parent(*writer_, "SELECT status, cluster FROM volumes WHERE id = ? AND deleted = 0");
    parent.bind(1, s.volume_id);
    if (!parent.executeStep() ||
        (parent.getColumn(0).getString() != "available" && parent.getColumn(0).getString() != "in-use")) {
      return ServiceError{Fault::Conflict,
                          "Volume " + s.volume_id + " is no longer available or in-use; the snapshot was not adopted."};
    }
    const std::string scope = reference_scope(s.backend, parent.getColumn(1).getString());  // its volume's cluster
    SQLite::Statement q(*writer_, std::string("INSERT INTO snapshots (") + rows::kSnapshotColumns +
                                      ", scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
    q.bind(1, s.id);
    q.bind(2, s.volume_id);
    q.bind(3, s.project_id);
    q.bind(4, s.user_id);
    rows::bind_optional(q, 5, s.name);
    rows::bind_optional(q, 6, s.description);
    q.bind(7, s.status);
    q.bind(8, static_cast<int64_t>(s.size_gib));
    q.bind(9, s.backend);
    q.bind(10, to_canonical_json(s.provider_reference));
    q.bind(11, s.progress);
    q.bind(12, s.created_at);
    rows::bind_optional(q, 13, s.updated_at);
    q.bind(14, s.job_request_id);
    if (s.job_size_gib) q.bind(15, static_cast<int64_t>(*s.job_size_gib));
    q.bind(16, scope);
    q.exec();
    if (s.inspected_after &&
        moved_off_since(*writer_, "snapshot", scope, to_canonical_json(s.provider_reference), *s.inspected_after)) {
      return conflict("snapshot", s.backend, s.provider_reference);  // rolled back
    }
    rows::write_metadata(*writer_, "snapshot_metadata", "snapshot_id", s.id, s.metadata);
    WriteWindow window(generation_);
    tx.commit();
    return Done{};
  } catch (const SQLite::Exception& e) {
    if (is_unique_violation(e)) return conflict("snapshot", s.backend, s.provider_reference);
    return internal("inserting snapshot " + s.id, e);
  } catch (const std::exception& e) {
    return internal("inserting snapshot " + s.id, e);
  }
}

ServiceResult<std::optional<VolumeRecord>> SqliteCatalog::find_volume(const std::string& id) {
  try {
    ReaderLease lease(*this);
    SQLite::Statement q(lease.db(),
                        std::string("SELECT ") + rows::kVolumeColumns + " FROM volumes WHERE id = ? AND deleted = 0");
    q.bind(1, id);
    if (!q.executeStep()) return std::optional<VolumeRecord>{};
    VolumeRecord v = rows::read_volume(q);
    v.metadata = rows::read_metadata(lease.db(), "volume_metadata", "volume_id", v.id);
    return std::optional<VolumeRecord>(std::move(v));
  } catch (const std::exception& e) {
    return internal("reading volume " + id, e);
  }
}

ServiceResult<std::optional<SnapshotRecord>> SqliteCatalog::find_snapshot(const std::string& id) {
  try {
    ReaderLease lease(*this);
    SQLite::Statement q(
        lease.db(), std::string("SELECT ") + rows::kSnapshotColumns + " FROM snapshots WHERE id = ? AND deleted = 0");
    q.bind(1, id);
    if (!q.executeStep()) return std::optional<SnapshotRecord>{};
    SnapshotRecord s = rows::read_snapshot(q);
    s.metadata = rows::read_metadata(lease.db(), "snapshot_metadata", "snapshot_id", s.id);
    return std::optional<SnapshotRecord>(std::move(s));
  } catch (const std::exception& e) {
    return internal("reading snapshot " + id, e);
  }
}

ServiceResult<std::vector<VolumeRecord>> SqliteCatalog::find_volumes(const RowQuery& query) {
  try {
    ReaderLease lease(*this);
    std::vector<std::string> params;
    std::string sql = std::string("SELECT ") + rows::kVolumeColumns + " FROM volumes" +
                      rows::where_clause(query, ObjectKind::Volume, params) + " ORDER BY created_at DESC, id";
    SQLite::Statement q(lease.db(), sql);
    for (std::size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
    std::vector<VolumeRecord> out;
    while (q.executeStep()) out.push_back(rows::read_volume(q));
    for (auto& v : out) v.metadata = rows::read_metadata(lease.db(), "volume_metadata", "volume_id", v.id);
    return out;
  } catch (const std::exception& e) {
    return internal("listing volumes", e);
  }
}

ServiceResult<std::vector<SnapshotRecord>> SqliteCatalog::find_snapshots(const RowQuery& query) {
  try {
    ReaderLease lease(*this);
    std::vector<std::string> params;
    std::string sql = std::string("SELECT ") + rows::kSnapshotColumns + " FROM snapshots" +
                      rows::where_clause(query, ObjectKind::Snapshot, params) + " ORDER BY created_at DESC, id";
    SQLite::Statement q(lease.db(), sql);
    for (std::size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
    std::vector<SnapshotRecord> out;
    while (q.executeStep()) out.push_back(rows::read_snapshot(q));
    for (auto& s : out) s.metadata = rows::read_metadata(lease.db(), "snapshot_metadata", "snapshot_id", s.id);
    return out;
  } catch (const std::exception& e) {
    return internal("listing snapshots", e);
  }
}

ServiceResult<bool> SqliteCatalog::update_volume(const std::string& id, const RowUpdate& update) {
  return update_row("volumes", id, update);
}

ServiceResult<bool> SqliteCatalog::update_snapshot(const std::string& id, const RowUpdate& update) {
  return update_row("snapshots", id, update);
}

ServiceResult<bool> SqliteCatalog::update_row(const char* table, const std::string& id, const RowUpdate& update) {
  const bool snapshots = std::string_view(table) == "snapshots";
  try {
    std::string sql = std::string("UPDATE ") + table + " SET updated_at = ?";
    std::vector<std::string> params{now_timestamp()};
    if (update.soft_delete) {
      sql += ", deleted = 1, deleted_at = ?, status = 'deleted'";
      params.push_back(params[0]);
    } else if (update.status) {
      sql += ", status = ?";
      params.push_back(*update.status);
    }
    if (update.soft_delete || update.status) sql += ", claimed_by = '', claimed_at = NULL";
    if (update.job_request_id) {
      sql += ", job_request_id = ?";
      params.push_back(*update.job_request_id);
    }
    if (update.size_gib) {
      sql += ", size_gib = ?";
      params.push_back(std::to_string(*update.size_gib));
    }
    if (update.provider_reference) {
      sql += ", provider_reference = ?";
      params.push_back(to_canonical_json(*update.provider_reference));
    }
    sql += " WHERE id = ? AND deleted = 0";
    params.push_back(id);
    if (update.require_no_live_snapshots && !snapshots) {
      sql +=
          " AND NOT EXISTS (SELECT 1 FROM snapshots WHERE snapshots.volume_id = volumes.id AND snapshots.deleted = 0)";
    }
    if (!update.expected_status.empty()) {
      sql += " AND status IN (";
      for (std::size_t i = 0; i < update.expected_status.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.push_back(update.expected_status[i]);
      }
      sql += ")";
    }
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    std::optional<std::pair<std::string, std::string>> before;  // scope, provider_reference
    if (update.provider_reference) {
      SQLite::Statement old(
          *writer_, std::string("SELECT scope, provider_reference FROM ") + table + " WHERE id = ? AND deleted = 0");
      old.bind(1, id);
      if (old.executeStep()) before.emplace(old.getColumn(0).getString(), old.getColumn(1).getString());
    }
    SQLite::Statement q(*writer_, sql);
    for (std::size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
    WriteWindow window(generation_);
    const bool applied = q.exec() > 0;
    if (applied && before && before->second != to_canonical_json(*update.provider_reference)) {
      log_move(*writer_, snapshots ? "snapshot" : "volume", before->first, before->second, id, params[0]);
    }
    tx.commit();
    return applied;
  } catch (const SQLite::Exception& e) {
    if (is_unique_violation(e) && update.provider_reference) {
      return conflict(snapshots ? "snapshot" : "volume", "its backend", *update.provider_reference);
    }
    return internal(std::string("updating ") + (snapshots ? "snapshot " : "volume ") + id, e);
  } catch (const std::exception& e) {
    return internal(std::string("updating ") + (snapshots ? "snapshot " : "volume ") + id, e);
  }
}

ServiceResult<std::vector<ManagedReference>> SqliteCatalog::live_references(ObjectKind kind, const std::string& scope) {
  try {
    ReaderLease lease(*this);
    SQLite::Statement q(lease.db(), std::string("SELECT id, provider_reference FROM ") +
                                        (kind == ObjectKind::Volume ? "volumes" : "snapshots") +
                                        " WHERE deleted = 0 AND scope = ?");
    q.bind(1, scope);
    std::vector<ManagedReference> out;
    while (q.executeStep()) {
      out.push_back(
          {q.getColumn(0).getString(), from_json_object(q.getColumn(1).getString()).value_or(snapmgr::StringMap{})});
    }
    return out;
  } catch (const std::exception& e) {
    return internal("reading managed references of " + scope, e);
  }
}

ServiceResult<std::vector<Job>> SqliteCatalog::claim_jobs(const JobClaim& claim) {
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    std::vector<Job> jobs;
    for (ObjectKind kind : {ObjectKind::Volume, ObjectKind::Snapshot}) {
      JobClaim rest = claim;
      rest.limit = claim.limit - jobs.size();
      const char* table = kind == ObjectKind::Volume ? "volumes" : "snapshots";
      std::vector<std::string> params;
      const std::string sql = job_claims::candidates(table, rest, '?', params, "");
      if (sql.empty()) continue;
      SQLite::Statement q(*writer_, sql);
      for (std::size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
      std::vector<std::string> ids;
      while (q.executeStep()) {
        jobs.push_back({kind, q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString()});
        ids.push_back(jobs.back().id);
      }
      if (ids.empty()) continue;
      params.clear();
      SQLite::Statement mark(*writer_, job_claims::record(table, claim.claimer, ids, '?', params));
      for (std::size_t i = 0; i < params.size(); ++i) mark.bind(static_cast<int>(i + 1), params[i]);
      mark.exec();
    }
    tx.commit();
    return jobs;
  } catch (const std::exception& e) {
    return internal("claiming jobs for " + claim.claimer, e);
  }
}

}  // namespace snapmgr::core
