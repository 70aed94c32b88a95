// snapmgr plugin SDK — the optional capabilities a driver can implement.
//
// Purpose: one capability, one small interface. A driver implements the ones its backend
// supports and returns them from `Driver` (see driver.hpp; driver_of.hpp derives the accessors
// and the descriptor's bits from the interfaces a driver inherits); the host asks for each
// capability when it needs it and answers an absent one with `501 notImplemented` — there is no
// method that exists only to fail.
//
// The list of capabilities is SNAPMGR_CAPABILITIES at the end of this file, the one place each
// is declared: its Capability bit, interface, name, Driver accessor and the SDK minor version
// that introduced it. The enum, kAllCapabilities, to_string, the accessors of `Driver` and the
// host's checks are generated from it.
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

#include <cstdint>
#include <string>

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

// Lists every snapshot object on the backend that the host could adopt — including ones the
// host already manages (the host marks those). Cinder: get_manageable_snapshots.
class SnapshotDiscovery {
 public:
  virtual ~SnapshotDiscovery() = default;
  // Hands every such snapshot to `out`, in the driver's order. On an error, whatever was handed
  // over is discarded by the host.
  virtual Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept = 0;
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
};

// Adopts one existing volume object; same shape as SnapshotAdoption.
class VolumeAdoption {
 public:
  virtual ~VolumeAdoption() = default;
  // Errors: InvalidReference for a malformed reference, a missing object, or an object that is
  // not a volume (e.g. a snapshot).
  virtual Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept = 0;
  // Makes the object belong to catalog volume `volume_id`; returns its provider reference.
  // Idempotent in the same way as adopt_snapshot.
  virtual Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                         const std::string& volume_id) noexcept = 0;
};

// Called when the host stops managing a volume (os-unmanage). Undo any association recorded at
// adoption if the backend needs that (a driver whose adoption renames has nothing to undo and
// need not implement this); never delete or modify the data. Cinder: unmanage. New in SDK 2.1:
// a host of 2.1 or later calls it; a driver built against 2.0 is never asked for it.
class VolumeRelease {
 public:
  virtual ~VolumeRelease() = default;
  virtual Status release_volume(const Call& call, const StringMap& provider_reference,
                                const std::string& volume_id) noexcept = 0;
};

// Every capability, in the order of its accessor in Driver's vtable:
//   X(Capability enumerator, interface, name, Driver accessor, bit index, SDK minor introduced)
// ABI rules: append only — a capability added in minor N goes at the end, with the next bit
// index and `N`; never reorder, remove or renumber an entry. Each entry becomes a virtual
// accessor of Driver in this order, so an entry inserted before another would move the other's
// vtable slot and break every driver built against an older minor (static_asserts below).
#define SNAPMGR_CAPABILITIES(X)                                                           \
  X(SnapshotDiscovery, SnapshotDiscovery, "snapshot-discovery", snapshot_discovery, 0, 0) \
  X(SnapshotAdoption, SnapshotAdoption, "snapshot-adoption", snapshot_adoption, 1, 0)     \
  X(SnapshotRelease, SnapshotRelease, "snapshot-release", snapshot_release, 2, 0)         \
  X(VolumeDiscovery, VolumeDiscovery, "volume-discovery", volume_discovery, 3, 0)         \
  X(VolumeAdoption, VolumeAdoption, "volume-adoption", volume_adoption, 4, 0)             \
  X(VolumeRelease, VolumeRelease, "volume-release", volume_release, 5, 1)

#define SNAPMGR_CAPABILITY_ENUMERATOR(id, interface, name, accessor, bit, minor) id = 1u << (bit),
enum class Capability : std::uint32_t { SNAPMGR_CAPABILITIES(SNAPMGR_CAPABILITY_ENUMERATOR) };
#undef SNAPMGR_CAPABILITY_ENUMERATOR

// One row of the list, as data.
struct CapabilityInfo {
  Capability id;
  const char* name;             // "snapshot-discovery": what snapmgrd and the kit print
  std::uint32_t bit;            // Capability's bit index
  std::uint32_t introduced_in;  // the SDK minor (of major 2) whose Driver has the accessor
};

#define SNAPMGR_CAPABILITY_INFO(id, interface, name, accessor, bit, minor) \
  CapabilityInfo{Capability::id, name, bit, minor},
inline constexpr CapabilityInfo kCapabilityInfo[] = {SNAPMGR_CAPABILITIES(SNAPMGR_CAPABILITY_INFO)};
#undef SNAPMGR_CAPABILITY_INFO

#define SNAPMGR_CAPABILITY_ID(id, interface, name, accessor, bit, minor) Capability::id,
inline constexpr Capability kAllCapabilities[] = {SNAPMGR_CAPABILITIES(SNAPMGR_CAPABILITY_ID)};
#undef SNAPMGR_CAPABILITY_ID

namespace detail {
constexpr bool capability_list_is_append_only() noexcept {
  std::uint32_t index = 0;
  for (const auto& c : kCapabilityInfo) {
    if (c.bit != index || static_cast<std::uint32_t>(c.id) != (1u << index)) return false;
    if (index > 0 && c.introduced_in < kCapabilityInfo[index - 1].introduced_in) return false;
    ++index;
  }
  return true;
}
}  // namespace detail
static_assert(detail::capability_list_is_append_only(),
              "SNAPMGR_CAPABILITIES: bits must be 0, 1, 2, ... in order and minors must not decrease");

constexpr const CapabilityInfo& info(Capability c) noexcept {
  for (const auto& i : kCapabilityInfo)
    if (i.id == c) return i;
  return kCapabilityInfo[0];  // unreachable for a Capability enumerator
}

constexpr const char* to_string(Capability c) noexcept {
  for (const auto& i : kCapabilityInfo)
    if (i.id == c) return i.name;
  return "unknown";
}

// The SDK minor whose Driver first has `c`'s accessor.
constexpr std::uint32_t introduced_in(Capability c) noexcept { return info(c).introduced_in; }

// Every capability bit an SDK 2.<minor> driver can declare.
constexpr std::uint32_t capabilities_of_minor(std::uint32_t minor) noexcept {
  std::uint32_t bits = 0;
  for (const auto& i : kCapabilityInfo)
    if (i.introduced_in <= minor) bits |= static_cast<std::uint32_t>(i.id);
  return bits;
}

constexpr std::uint32_t operator|(Capability a, Capability b) noexcept {
  return static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b);
}
constexpr std::uint32_t operator|(std::uint32_t a, Capability b) noexcept { return a | static_cast<std::uint32_t>(b); }
constexpr bool has(std::uint32_t set, Capability c) noexcept { return (set & static_cast<std::uint32_t>(c)) != 0; }

}  // namespace snapmgr
