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
// Several processes: every transaction that writes a volume or snapshot row (or its metadata)
// also sends a notification on kCatalogChannel, and one that queues a job (inserts a `creating`
// row, moves one to `creating` or `unmanaging`) one on kJobsChannel, the payload being the
// sending catalog's instance id; PostgreSQL delivers them at commit. Each catalog LISTENs on both
// through its own connection (postgres_listener.hpp). Another instance's notification on
// kCatalogChannel adds 2 to generation() (parity kept, so the odd/even protocol of
// Catalog::generation() holds); one on kJobsChannel calls the on_jobs_queued() handler. When the
// notification connection breaks, and again once it LISTENs anew, the generation is bumped and
// the handler called too: notifications may have been missed, so everything may have changed.
// Own notifications are ignored (own writes move the generation already).
//
// The remaining window: a listing this process derives after another process committed a write
// and before that commit's notification arrived here (normally well under a millisecond on a
// LAN; longer while this host's notification connection is being re-made) is derived from the
// catalog as it was and stamped with the current generation, and may be reused for up to
// listing_max_age_ms: it is bumped stale when the notification (or the reconnect) arrives, not
// at the other process's commit. While the notification connection is down, listings are reused
// only as long as listing_max_age_ms allows; every catalog call fails then anyway when PostgreSQL
// itself is gone.
//
// Jobs: claim_jobs selects candidates `FOR UPDATE SKIP LOCKED` and records the claim in the same
// transaction, so concurrent claimers (threads or hosts) never take the same row.
//
// Ownership/thread-safety: owns its pool; every method may run concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/catalog/postgres_listener.hpp"
#include "core/catalog/postgres_pool.hpp"

namespace pqxx {
class transaction_base;
}

namespace snapmgr::core {

class PostgresCatalog final : public Catalog {
 public:
  static constexpr const char* kCatalogChannel = "snapmgr_catalog";
  static constexpr const char* kJobsChannel = "snapmgr_jobs";

  // Connects (once, no retry), migrates and returns the catalog. Unavailable when PostgreSQL
  // cannot be reached or refuses the login, Internal when migrating fails.
  static ServiceResult<std::unique_ptr<PostgresCatalog>> open(const PostgresSettings& settings);
  ~PostgresCatalog() override;

  std::uint64_t generation() const override { return generation_.load(); }

  ServiceStatus upsert_service(const VolumeServiceRow& row) override;
  ServiceResult<std::size_t> heartbeat(const std::string& host, const std::vector<std::string>& backends) override;
  ServiceResult<std::vector<VolumeServiceRow>> services() override;

  ServiceResult<std::uint64_t> reference_mark() override;
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

  ServiceResult<std::vector<ManagedReference>> live_references(ObjectKind kind, const std::string& scope) override;
  ServiceResult<std::vector<Job>> claim_jobs(const JobClaim& claim) override;
  void on_jobs_queued(std::function<void()> wake) override;

  const std::string& display_url() const { return pool_.display_url(); }

 private:
  class WriteWindow;
  explicit PostgresCatalog(const PostgresSettings& settings);
  ServiceResult<bool> update_row(const char* table, const std::string& id, const RowUpdate& update);
  // Sends kCatalogChannel's notification (and kJobsChannel's when `job_queued`) in `tx`.
  void notify(pqxx::transaction_base& tx, bool job_queued) const;
  void heard(const std::string& channel, const std::string& payload);
  void missed();
  void wake_workers();
  // Runs `body(connection)` with the failure handling described above; `what` names the call
  // in messages ("inserting volume v1").
  template <class T, class Body>
  ServiceResult<T> run(const std::string& what, Body&& body);

  PostgresPool pool_;
  std::atomic<std::uint64_t> generation_{0};
  std::mutex window_mutex_;
  int writing_ = 0;        // write windows open (writes overlap here, unlike on SQLite)
  std::string instance_;   // this catalog's id in notification payloads
  std::mutex wake_mutex_;  // held while wake_ runs, so that removing it waits for it
  std::function<void()> wake_;
  std::unique_ptr<PostgresListener> listener_;  // declared last: its thread stops first
};

}  // namespace snapmgr::core
