#include "core/catalog/postgres_migrations.hpp"

#include <pqxx/transaction>

#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// Taken by every migration transaction: "snapmgr" in ASCII.
constexpr long long kMigrationLock = 0x736e61706d6772;

// Append only: never edit a released migration. Timestamps are Cinder's text format, as on
// SQLite; provider_reference is canonical JSON text, so that equal references are equal strings
// for the partial unique index.
const char* const kPostgresMigrations[] = {
    // 1: services, volumes, snapshots and their metadata.
    R"sql(
    CREATE TABLE services (
      host TEXT NOT NULL,
      backend TEXT NOT NULL,
      cluster TEXT NOT NULL DEFAULT '',
      disabled BOOLEAN NOT NULL DEFAULT false,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (host, backend));
    CREATE TABLE volumes (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      name TEXT,
      description TEXT,
      status TEXT NOT NULL,
      size_gib BIGINT NOT NULL,
      backend TEXT NOT NULL,
      cluster TEXT NOT NULL DEFAULT '',
      availability_zone TEXT NOT NULL,
      volume_type TEXT,
      bootable BOOLEAN NOT NULL DEFAULT false,
      provider_reference TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT,
      deleted_at TEXT,
      deleted BOOLEAN NOT NULL DEFAULT false);
    CREATE UNIQUE INDEX volumes_live_reference ON volumes(backend, provider_reference) WHERE NOT deleted;
    CREATE INDEX volumes_status ON volumes(status) WHERE NOT deleted;
    CREATE TABLE volume_metadata (
      volume_id TEXT NOT NULL REFERENCES volumes(id),
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (volume_id, key));
    CREATE TABLE snapshots (
      id TEXT PRIMARY KEY,
      volume_id TEXT NOT NULL REFERENCES volumes(id),
      project_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      name TEXT,
      description TEXT,
      status TEXT NOT NULL,
      size_gib BIGINT NOT NULL,
      backend TEXT NOT NULL,
      provider_reference TEXT NOT NULL,
      progress TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT,
      deleted_at TEXT,
      deleted BOOLEAN NOT NULL DEFAULT false);
    CREATE UNIQUE INDEX snapshots_live_reference ON snapshots(backend, provider_reference) WHERE NOT deleted;
    CREATE INDEX snapshots_volume ON snapshots(volume_id) WHERE NOT deleted;
    CREATE INDEX snapshots_status ON snapshots(status) WHERE NOT deleted;
    CREATE TABLE snapshot_metadata (
      snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (snapshot_id, key));
    )sql",
    // 2: each volume's pool (Cinder's "host@backend#pool"); rows adopted before it get the
    // default pool, the backend's name.
    R"sql(
    ALTER TABLE volumes ADD COLUMN pool TEXT NOT NULL DEFAULT '';
    UPDATE volumes SET pool = substr(backend, strpos(backend, '@') + 1);
    )sql",
    // 3: the service registry (os-services): each service's availability zone, the URL its
    // owner advertises to other nodes, and whether its driver is up (Cinder's backend_state).
    R"sql(
    ALTER TABLE services ADD COLUMN availability_zone TEXT NOT NULL DEFAULT 'nova';
    ALTER TABLE services ADD COLUMN advertise_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE services ADD COLUMN backend_up BOOLEAN NOT NULL DEFAULT true;
    )sql",
    // 4: the background job a `creating` / `unmanaging` row is (catalog.hpp, claim_jobs): who
    // claimed it and when, the request that queued it, and for a snapshot the size found before
    // the 202. Rows queued before it are unclaimed, with no request id and no stored size.
    R"sql(
    ALTER TABLE volumes ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE volumes ADD COLUMN claimed_at TEXT;
    ALTER TABLE volumes ADD COLUMN job_request_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE snapshots ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE snapshots ADD COLUMN claimed_at TEXT;
    ALTER TABLE snapshots ADD COLUMN job_request_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE snapshots ADD COLUMN job_size_gib BIGINT;
    )sql",
    // 5: the log of reference moves (catalog.hpp, reference_mark): a row's provider reference
    // before an update changed it. A sequence never hands out a mark twice.
    R"sql(
    CREATE TABLE reference_moves (
      seq BIGSERIAL PRIMARY KEY,
      kind TEXT NOT NULL,
      backend TEXT NOT NULL,
      reference TEXT NOT NULL,
      row_id TEXT NOT NULL,
      moved_at TEXT NOT NULL);
    CREATE INDEX reference_moves_reference ON reference_moves(backend, reference);
    CREATE INDEX reference_moves_moved_at ON reference_moves(moved_at);
    )sql",
    // 6: the reference scope (reference_scope.hpp): the members of a cluster serving a backend of
    // one name share one, so the unique live-reference guard and the log of reference moves hold
    // across the cluster. Earlier rows get theirs by the same rule; a snapshot takes its volume's
    // cluster, and a logged move its row's scope.
    R"sql(
    ALTER TABLE volumes ADD COLUMN scope TEXT NOT NULL DEFAULT '';
    UPDATE volumes SET scope = CASE WHEN cluster = '' THEN backend ELSE
      'cluster:' || cluster || '@' || substr(backend, strpos(backend, '@') + 1) END;
    ALTER TABLE snapshots ADD COLUMN scope TEXT NOT NULL DEFAULT '';
    UPDATE snapshots SET scope = COALESCE((SELECT CASE WHEN volumes.cluster = '' THEN snapshots.backend ELSE
      'cluster:' || volumes.cluster || '@' || substr(snapshots.backend, strpos(snapshots.backend, '@') + 1) END
      FROM volumes WHERE volumes.id = snapshots.volume_id), backend);
    DROP INDEX volumes_live_reference;
    CREATE UNIQUE INDEX volumes_live_reference ON volumes(scope, provider_reference) WHERE NOT deleted;
    DROP INDEX snapshots_live_reference;
    CREATE UNIQUE INDEX snapshots_live_reference ON snapshots(scope, provider_reference) WHERE NOT deleted;
    ALTER TABLE reference_moves RENAME COLUMN backend TO scope;
    UPDATE reference_moves SET scope = COALESCE(CASE WHEN kind = 'volume'
      THEN (SELECT scope FROM volumes WHERE volumes.id = reference_moves.row_id)
      ELSE (SELECT scope FROM snapshots WHERE snapshots.id = reference_moves.row_id) END, scope);
    )sql",
};

constexpr int kPostgresLatest = static_cast<int>(sizeof kPostgresMigrations / sizeof kPostgresMigrations[0]);

int read_version(pqxx::transaction_base& tx) {
  if (tx.exec("SELECT to_regclass('schema_version') IS NULL")[0][0].as<bool>()) return 0;
  auto rows = tx.exec("SELECT version FROM schema_version");
  return rows.empty() ? 0 : rows[0][0].as<int>();
}

}  // namespace

int latest_postgres_schema_version() { return kPostgresLatest; }

int postgres_schema_version(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  return read_version(tx);
}

ServiceStatus migrate_postgres(pqxx::connection& connection, const std::string& display_url) {
  while (true) {
    pqxx::work tx(connection);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    const int version = read_version(tx);  // after the lock: another host may just have migrated
    if (version > kPostgresLatest) {
      return ServiceError{Fault::Internal, "the catalog " + display_url + " has schema version " +
                                               std::to_string(version) + ", newer than this snapmgrd knows (" +
                                               std::to_string(kPostgresLatest) + ")"};
    }
    if (version == kPostgresLatest) return Done{};
    if (version == 0) {
      tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      tx.exec("DELETE FROM schema_version");
      tx.exec("INSERT INTO schema_version (version) VALUES (0)");
    }
    tx.exec(kPostgresMigrations[version]);
    tx.exec_params("UPDATE schema_version SET version = $1", version + 1);
    tx.commit();
    log().info("catalog {}: schema migrated to version {}", display_url, version + 1);
  }
}

}  // namespace snapmgr::core
