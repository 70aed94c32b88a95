// The SQLite catalog: one file (`<state_dir>/catalog.sqlite`), WAL journal, schema migrations
// applied when opened, foreign keys on. Writes go through one writer connection, serialised in
// process and each in a transaction; reads use a small pool of connections, so with WAL a read
// never waits for a write. One process uses the file: job claims need no notification (the
// process queueing a job wakes its own workers).
//
// Ownership/thread-safety: owns its connections; every method may run concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "core/catalog/catalog.hpp"

namespace snapmgr::core {

// Makes a catalog's generation odd for the span of a write and even again after it, whatever
// happens (see Catalog::generation()). Taken under the writer lock, so writes never overlap.
class WriteWindow {
 public:
  explicit WriteWindow(std::atomic<std::uint64_t>& generation) : generation_(generation) { ++generation_; }
  ~WriteWindow() { ++generation_; }
  WriteWindow(const WriteWindow&) = delete;
  WriteWindow& operator=(const WriteWindow&) = delete;

 private:
  std::atomic<std::uint64_t>& generation_;
};

class SqliteCatalog final : public Catalog {
 public:
  // Creates or opens the file and migrates it. Internal error when that fails.
  static ServiceResult<std::unique_ptr<SqliteCatalog>> open(const std::string& path, int readers = 4);
  ~SqliteCatalog() override;

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

 private:
  class ReaderLease;
  explicit SqliteCatalog(std::string path);
  ServiceResult<bool> update_row(const char* table, const std::string& id, const RowUpdate& update);

  std::string path_;
  std::mutex writer_mutex_;
  std::unique_ptr<SQLite::Database> writer_;
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<SQLite::Database>> idle_readers_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace snapmgr::core
