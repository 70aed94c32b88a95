// The catalog: the volumes and snapshots snapmgr manages, and the services (backends) that
// serve them. A narrow interface so that a second implementation (PostgreSQL, letting several
// snapmgrd hosts share one catalog and service registry) can replace the SQLite one.
//
// Contract: reads see only live rows (not soft-deleted). Every write is one transaction. A live
// row's (reference scope, provider_reference) pair is unique per kind — the scope is its backend,
// or for a clustered volume its cluster's members' backends of that name (reference_scope.hpp);
// a snapshot's is its backend in its volume's cluster —: inserting or updating a row onto a pair that is already live
// fails with Fault::Conflict and changes nothing. An update that
// changes a live row's provider_reference (its adopt step renamed the backend object) is a
// reference move, logged for two hours (longer than any driver call's deadline, call_timeout_s ≤
// 3600): see reference_mark().
// Thread-safety: all methods may be called concurrently; reads never wait for a driver.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog/records.hpp"
#include "core/common/service_error.hpp"

namespace snapmgr::core {

enum class ObjectKind { Volume, Snapshot };

// One cinder-volume service: a backend served by one host (Cinder's service row). `updated_at`
// is the last heartbeat (or registration); the service is up while it is younger than
// service_down_time_s. Written by upsert_service (every field but updated_at comes from the row
// given) and heartbeat; read by services().
struct VolumeServiceRow {
  std::string host;
  std::string backend;                     // the backend's name (the service key is host@backend)
  std::string cluster;                     // "" when not clustered
  bool disabled = false;                   // `disabled: true` in the owner's configuration
  std::string updated_at;                  // heartbeat; set by the catalog, ignored by upsert_service
  std::string availability_zone = "nova";  // Cinder's default storage_availability_zone
  std::string advertise_url;               // the owner's internal API URL, where other nodes forward requests
  bool backend_up = true;                  // the driver loaded and initialised (Cinder's backend_state)
};

struct RowQuery {
  std::optional<std::string> project_id;
  std::optional<std::string> name;       // volumes: display name
  std::optional<std::string> volume_id;  // snapshots: parent volume
  std::optional<std::string> backend;    // "<host>@<backend>"
  std::vector<std::string> statuses;     // empty: any
};

// A conditional update: applied only when the row is live and (if `expected_status` is not
// empty) its status is one of them. `updated_at` is set on every applied update. An update
// that sets `status` (or soft-deletes) also ends the row's job claim (claim_jobs).
struct RowUpdate {
  std::vector<std::string> expected_status;
  std::optional<std::string> status;
  std::optional<std::int64_t> size_gib;
  std::optional<snapmgr::StringMap> provider_reference;
  bool soft_delete = false;                   // sets deleted, deleted_at and status "deleted"
  bool require_no_live_snapshots = false;     // volumes: apply only when no live snapshot refers to it
  std::optional<std::string> job_request_id;  // the request queueing the job this update starts
};

// A background job: a live row `creating` (the driver's adopt step is due) or `unmanaging` (the
// driver's release and the soft delete are due). The row is the job; nothing else is queued.
struct Job {
  ObjectKind kind = ObjectKind::Volume;
  std::string id;
  std::string status;            // "creating" or "unmanaging"
  std::string backend;           // the row's "<host>@<backend>"
  std::string previous_claimer;  // claimed_by before this claim: "" (unclaimed), the claimer, or a host that is down
};

// Which jobs a claim_jobs call may take, for whom.
struct JobClaim {
  std::string claimer;                // the claiming node's host, recorded as the row's claimed_by
  std::vector<std::string> backends;  // row backends ("<host>@<backend>") whose jobs the claimer works on
  // A job claimed by another host is taken over when that host's service for the row's backend
  // (the service row of host claimed_by and backend name the part of the row's backend after the
  // '@') has no heartbeat at or after this timestamp, or does not exist: that service is down.
  std::string down_before;
  // The claimer's own claims that must not be taken again (its jobs under way). Its other claims
  // are taken again: a previous process of the same host left them, or a job could not write
  // its outcome.
  std::vector<std::string> running;
  std::size_t limit = 1;
};

struct ManagedReference {
  std::string id;
  snapmgr::StringMap provider_reference;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Changes whenever a volume or snapshot row is written (by this process, or — on a catalog
  // shared by several processes — by another, once this one heard of it); lets callers cache
  // data derived from the catalog. It is odd while a write is in progress (from before its
  // commit until its statement has returned — SQLite's automatic WAL checkpoint runs inside the
  // statement, after the commit is visible) and even otherwise. So data derived after reading
  // an even generation G is current for as long as the generation is G; data derived after
  // reading an odd one may already be out of date and must not be reused.
  virtual std::uint64_t generation() const = 0;

  // Registers a service (or updates an existing row of the same host and backend) and sets its
  // updated_at to now.
  virtual ServiceStatus upsert_service(const VolumeServiceRow& row) = 0;
  // Sets updated_at to now on the rows of `host` whose backend is in `backends`, in one
  // transaction. Returns how many rows it found: fewer than `backends.size()` means some were
  // removed since registration (the caller registers them again).
  virtual ServiceResult<std::size_t> heartbeat(const std::string& host, const std::vector<std::string>& backends) = 0;
  // Every service row, ordered by host and backend.
  virtual ServiceResult<std::vector<VolumeServiceRow>> services() = 0;

  // The newest reference move so far (0 before the first). An adoption takes a mark before its
  // driver inspects the reference, and gives it to the insert (VolumeRecord::inspected_after):
  // the insert then also fails with Conflict, inserting nothing, when since the mark a row of the
  // same kind and reference scope moved off the inserted provider_reference — the inspection may have
  // seen that row's object before it was renamed, and the unique index no longer holds the old
  // reference. Moves made before the mark do not count: the inspection came after the rename,
  // so an object it found under the old reference is another one.
  virtual ServiceResult<std::uint64_t> reference_mark() = 0;

  virtual ServiceStatus insert_volume(const VolumeRecord& row) = 0;
  virtual ServiceResult<std::optional<VolumeRecord>> find_volume(const std::string& id) = 0;
  virtual ServiceResult<std::vector<VolumeRecord>> find_volumes(const RowQuery& query) = 0;
  // true when the update applied, false when no live row matched the conditions.
  virtual ServiceResult<bool> update_volume(const std::string& id, const RowUpdate& update) = 0;

  // Also fails with Conflict (and inserts nothing) unless the parent volume is live and
  // `available` or `in-use` at that moment.
  virtual ServiceStatus insert_snapshot(const SnapshotRecord& row) = 0;
  virtual ServiceResult<std::optional<SnapshotRecord>> find_snapshot(const std::string& id) = 0;
  virtual ServiceResult<std::vector<SnapshotRecord>> find_snapshots(const RowQuery& query) = 0;
  virtual ServiceResult<bool> update_snapshot(const std::string& id, const RowUpdate& update) = 0;

  // The metadata of a live volume or snapshot (Cinder's */metadata resources), in one
  // transaction: with `replace` it becomes exactly `metadata`, otherwise the keys of `metadata`
  // are added or overwritten and the others kept. Returns the metadata after the write, or
  // nullopt (and writes nothing) when no live row has `id`. The row's updated_at is unchanged,
  // as in Cinder.
  virtual ServiceResult<std::optional<Metadata>> update_metadata(ObjectKind kind, const std::string& id,
                                                                 const Metadata& metadata, bool replace) = 0;
  // Removes one key of a live row's metadata; false when no live row has `id` or it lacks `key`.
  virtual ServiceResult<bool> delete_metadata_key(ObjectKind kind, const std::string& id, const std::string& key) = 0;

  // Live rows of a kind in one reference scope (reference_scope.hpp: a backend, or a clustered
  // backend's members): what "already managed" is decided against.
  virtual ServiceResult<std::vector<ManagedReference>> live_references(ObjectKind kind, const std::string& scope) = 0;

  // Claims up to `claim.limit` jobs of `claim.backends`, volumes first, oldest first, in one
  // transaction: unclaimed jobs, jobs claimed by a host that is down, and the claimer's own
  // claims not in `claim.running`; each is recorded as claimed by `claim.claimer` (claimed_at:
  // now). Concurrent claims never return the same job (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
  // one writer). A claim ends when the row's status changes. Claims leave generation() alone:
  // they change nothing a record shows.
  virtual ServiceResult<std::vector<Job>> claim_jobs(const JobClaim& claim) = 0;

  // `wake` is called — on a catalog thread, so it must return at once — whenever another process
  // sharing this catalog may have queued a job (PostgreSQL: a notification, or the notification
  // connection was re-made and some may have been missed). nullptr removes it; once that call
  // returned, the previous `wake` is not running and is never called again. A catalog only one
  // process uses never calls it: the process queueing a job wakes its own workers.
  virtual void on_jobs_queued(std::function<void()> wake) { (void)wake; }
};

}  // namespace snapmgr::core
