// The PostgreSQL catalog (`catalog: {url: ...}`): the Catalog contract on one PostgreSQL
// database, through libpqxx 6.4 and a pool of connections (postgres_pool.hpp), so that several
// snapmgrd hosts can share one catalog. The schema and its versions are the SQLite catalog's
// (postgres_migrations.hpp), applied when opened.
//
// Writes: each is one transaction with the SQLite catalog's conditions. Where SQLite has one
// writer, here writes run concurrently, so the row a write's conditions are about is locked
// first (`FOR NO KEY UPDATE`; a snapshot insert locks its parent volume `FOR SHARE`): the
// conditions are then evaluated on committed data no other write can change before the commit.
// The live (backend, provider_reference) pair is a partial unique index (`WHERE NOT deleted`);
// its violation (SQLSTATE 23505) is Fault::Conflict with the SQLite catalog's message.
//
// Failures: while PostgreSQL cannot be reached every call returns Fault::Unavailable ("catalog
// unavailable: ..."); nothing throws out. A call whose connection turns out broken is run once
// more on a fresh connection — a read always; a write only when its transaction certainly did
// not commit (libpqxx's in_doubt_error, a connection lost during COMMIT, is reported as
// Unavailable without a retry: the write may or may not have been applied). Other failures are
// Fault::Internal. Messages never contain the password.
//
// generation(): as documented on Catalog, for the writes this process makes. Writes of other
// hosts sharing the database do not change it — cross-host invalidation (LISTEN/NOTIFY) is a
// separate, later piece of work; until then a listing cached by one host does not see another
// host's adoption for up to listing_max_age_ms.
//
// Ownership/thread-safety: owns its pool; every method may run concurrently.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/catalog/postgres_pool.hpp"

namespace snapmgr::core {

class PostgresCatalog final : public Catalog {
 public:
  // Connects (once, no retry), migrates and returns the catalog. Unavailable when PostgreSQL
  // cannot be reached or refuses the login, Internal when migrating fails.
  static ServiceResult<std::unique_ptr<PostgresCatalog>> open(const PostgresSettings& settings);
  ~PostgresCatalog() override;

  std::uint64_t generation() const override { return generation_.load(); }

  ServiceStatus upsert_service(const VolumeServiceRow& row) override;
  ServiceResult<std::size_t> heartbeat(const std::string& host, const std::vector<std::string>& backends) override;
  ServiceResult<std::vector<VolumeServiceRow>> services() override;

  ServiceStatus insert_volume(const VolumeRecord& row) override;
  ServiceResult<std::optional<VolumeRecord>> find_volume(const std::string& id) override;
  ServiceResult<std::vector<VolumeRecord>> find_volumes(const RowQuery& query) override;
  ServiceResult<bool> update_volume(const std::string& id, const RowUpdate& update) override;

  ServiceStatus insert_snapshot(const SnapshotRecord& row) override;
  ServiceResult<std::optional<SnapshotRecord>> find_snapshot(const std::string& id) override;
  ServiceResult<std::vector<SnapshotRecord>> find_snapshots(const RowQuery& query) override;
  ServiceResult<bool> update_snapshot(const std::string& id, const RowUpdate& update) override;

  ServiceResult<std::optional<Metadata>> update_metadata(ObjectKind kind, const std::string& id,
                                                         const Metadata& metadata, bool replace) override;
  ServiceResult<bool> delete_metadata_key(ObjectKind kind, const std::string& id, const std::string& key) override;

  ServiceResult<std::vector<ManagedReference>> live_references(ObjectKind kind, const std::string& backend) override;

  const std::string& display_url() const { return pool_.display_url(); }

 private:
  class WriteWindow;
  explicit PostgresCatalog(const PostgresSettings& settings);
  ServiceResult<bool> update_row(const char* table, const std::string& id, const RowUpdate& update);
  // Runs `body(connection)` with the failure handling described above; `what` names the call
  // in messages ("inserting volume v1").
  template <class T, class Body>
  ServiceResult<T> run(const std::string& what, Body&& body);

  PostgresPool pool_;
  std::atomic<std::uint64_t> generation_{0};
  std::mutex window_mutex_;
  int writing_ = 0;  // write windows open (writes overlap here, unlike on SQLite)
};

}  // namespace snapmgr::core
