// snapmgr plugin SDK — the optional capabilities a driver can implement.
//
// Purpose: one capability, one small interface. A driver implements the ones its backend
// supports and returns them from `Driver` (see driver.hpp); the host asks for each capability
// when it needs it and answers an absent one with `501 notImplemented` — there is no method that
// exists only to fail.
//
// Contract common to all methods:
//   - `noexcept`: report failure as an `Error` value, never by throwing.
//   - Respect `call.deadline` (pass `call.remaining()` to anything that can block); when it has
//     passed, stop and return `Timeout`.
//   - Thread-safety: every method may be called concurrently from several host threads, also
//     while an adoption runs; the driver protects its own state.
//   - References arrive exactly as the user sent them (`{"source-name": ...}`,
//     `{"source-id": ...}`; a bare string was already turned into `source-name`). Reject
//     anything malformed with `InvalidReference` *before* touching the backend, and never let a
//     reference name something outside the backend's scope (paths, shell syntax).
//   - `volume_reference` is the provider reference the host recorded when it adopted the volume
//     (what `adopt_volume` returned); drivers must also accept the `source_reference` they
//     report in listings.
#pragma once

#include <string>
#include <vector>

#include "snapmgr/records.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr {

// Where a listing goes. A driver hands over each record as soon as it has it, so the host can
// keep its own compact form of it at once: a 100,000-object backend never needs 100,000 full
// records in memory together. Implemented by the host. `add` may be called only from inside the
// driver's `stream_*` call (from any of its threads, one at a time), never after it returned.
template <class Record>
class RecordSink {
 public:
  virtual void add(Record record) noexcept = 0;

 protected:
  ~RecordSink() = default;
};
using SnapshotSink = RecordSink<ManageableSnapshot>;
using VolumeSink = RecordSink<ManageableVolume>;

namespace detail {
template <class Record>
class CollectingSink final : public RecordSink<Record> {
 public:
  void add(Record record) noexcept override { records.push_back(std::move(record)); }
  std::vector<Record> records;
};
}  // namespace detail

// Lists every snapshot object on the backend that the host could adopt — including ones the
// host already manages (the host marks those). Cinder: get_manageable_snapshots.
class SnapshotDiscovery {
 public:
  virtual ~SnapshotDiscovery() = default;
  // Hands every such snapshot to `out`, in the driver's order. On an error, whatever was handed
  // over is discarded by the host.
  virtual Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept = 0;

  // The whole stream collected into a vector (for the conformance kit, tests and tools).
  Result<std::vector<ManageableSnapshot>> list_snapshots(const Call& call) noexcept {
    detail::CollectingSink<ManageableSnapshot> sink;
    if (auto st = stream_snapshots(call, sink); !st) return st.error();
    return std::move(sink.records);
  }
};

// Adopts one existing snapshot object. The host calls `inspect_snapshot` synchronously while
// validating a request (the answer decides between 202 and 400), then `adopt_snapshot` from a
// worker after the 202.
class SnapshotAdoption {
 public:
  virtual ~SnapshotAdoption() = default;

  // Confirms the object exists, is a snapshot, and that its origin is the volume identified by
  // `volume_reference`; returns its facts (exact size, canonical reference — the one listings
  // report —, origin, in-use flag). Errors: InvalidReference for a malformed reference, a
  // missing object, a non-snapshot, or a snapshot of another volume (say which).
  // Cinder: manage_existing_snapshot_get_size, plus the checks Cinder forgets.
  virtual Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                                      const StringMap& volume_reference) noexcept = 0;

  // Makes the object belong to catalog snapshot `snapshot_id` (a UUID) — by renaming it to the
  // driver's naming scheme or by recording the association — and returns the provider reference
  // that identifies it from now on (what later listings report for it). Must not copy or
  // allocate storage. Cinder: manage_existing_snapshot.
  // Idempotent: when the object already belongs to `snapshot_id` (the host crashed after the
  // backend changed but before it recorded the result, and now repeats the call), succeed and
  // return the same provider reference.
  virtual Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference,
                                           const StringMap& volume_reference,
                                           const std::string& snapshot_id) noexcept = 0;
};

// Called when the host stops managing a snapshot (os-unmanage). Undo any association recorded
// at adoption if the backend needs that; never delete or modify the data. Cinder:
// unmanage_snapshot.
class SnapshotRelease {
 public:
  virtual ~SnapshotRelease() = default;
  virtual Status release_snapshot(const Call& call, const StringMap& provider_reference,
                                  const std::string& snapshot_id) noexcept = 0;
};

// Lists every volume object on the backend that the host could adopt. Cinder:
// get_manageable_volumes.
class VolumeDiscovery {
 public:
  virtual ~VolumeDiscovery() = default;
  // Hands every such volume to `out`, in the driver's order; as SnapshotDiscovery.
  virtual Status stream_volumes(const Call& call, VolumeSink& out) noexcept = 0;

  // The whole stream collected into a vector (for the conformance kit, tests and tools).
  Result<std::vector<ManageableVolume>> list_volumes(const Call& call) noexcept {
    detail::CollectingSink<ManageableVolume> sink;
    if (auto st = stream_volumes(call, sink); !st) return st.error();
    return std::move(sink.records);
  }
};

// Adopts one existing volume object; same shape as SnapshotAdoption.
class VolumeAdoption {
 public:
  virtual ~VolumeAdoption() = default;
  // Errors: InvalidReference for a malformed reference, a missing object, or an object that is
  // not a volume (e.g. a snapshot).
  virtual Result<ManageableVolume> inspect_volume(const Call& call,
                                                  const StringMap& reference) noexcept = 0;
  // Makes the object belong to catalog volume `volume_id`; returns its provider reference.
  // Idempotent in the same way as adopt_snapshot.
  virtual Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                         const std::string& volume_id) noexcept = 0;
};

}  // namespace snapmgr
