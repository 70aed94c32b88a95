// Snapshots and volumes seen through one interface, so that every listing, inspection and
// round-trip check is written once and runs for both ("volume checks mirror the snapshot
// ones"). Each call goes through a BoundaryScope naming the call and the record.
//
// Also the helpers those checks share: a guarded listing that reports its own failure, the
// references the kit considers malformed, fresh UUIDs for adoption ids.
//
// Thread-safety: the traits are stateless; the helpers are safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snapmgr/collect.hpp"
#include "snapmgr/conformance/check.hpp"
#include "snapmgr/descriptor.hpp"
#include "snapmgr/driver.hpp"

namespace snapmgr::conformance {

struct SnapshotKind {
  using Record = ManageableSnapshot;
  static constexpr std::string_view kNoun = "snapshot";
  static constexpr std::string_view kPlural = "snapshots";
  static constexpr std::string_view kName = "Snapshot";
  static constexpr Capability kDiscovery = Capability::SnapshotDiscovery;
  static constexpr Capability kAdoption = Capability::SnapshotAdoption;

  static Result<std::vector<Record>> list(Driver& d, const Call& call) {
    BoundaryScope scope("SnapshotDiscovery::list_snapshots");
    return list_snapshots(*d.snapshot_discovery(), call);
  }
  static Result<Record> inspect(Driver& d, const Call& call, const StringMap& reference,
                                const StringMap& volume_reference) {
    BoundaryScope scope("SnapshotAdoption::inspect_snapshot", "snapshot " + describe(reference));
    return d.snapshot_adoption()->inspect_snapshot(call, reference, volume_reference);
  }
  static Result<StringMap> adopt(Driver& d, const Call& call, const StringMap& reference,
                                 const StringMap& volume_reference, const std::string& id) {
    BoundaryScope scope("SnapshotAdoption::adopt_snapshot", "snapshot " + describe(reference));
    return d.snapshot_adoption()->adopt_snapshot(call, reference, volume_reference, id);
  }
  // The volume_reference that goes with a listed record: its source_reference.
  static StringMap volume_reference_of(const Record& r) { return r.source_reference; }
};

struct VolumeKind {
  using Record = ManageableVolume;
  static constexpr std::string_view kNoun = "volume";
  static constexpr std::string_view kPlural = "volumes";
  static constexpr std::string_view kName = "Volume";
  static constexpr Capability kDiscovery = Capability::VolumeDiscovery;
  static constexpr Capability kAdoption = Capability::VolumeAdoption;

  static Result<std::vector<Record>> list(Driver& d, const Call& call) {
    BoundaryScope scope("VolumeDiscovery::list_volumes");
    return list_volumes(*d.volume_discovery(), call);
  }
  static Result<Record> inspect(Driver& d, const Call& call, const StringMap& reference, const StringMap&) {
    BoundaryScope scope("VolumeAdoption::inspect_volume", "volume " + describe(reference));
    return d.volume_adoption()->inspect_volume(call, reference);
  }
  static Result<StringMap> adopt(Driver& d, const Call& call, const StringMap& reference, const StringMap&,
                                 const std::string& id) {
    BoundaryScope scope("VolumeAdoption::adopt_volume", "volume " + describe(reference));
    return d.volume_adoption()->adopt_volume(call, reference, id);
  }
  static StringMap volume_reference_of(const Record&) { return {}; }
};

// "InvalidReference: <message>".
std::string describe(const Error& error);

// The listing, or nullopt after recording a failure that says what failed.
template <class Kind>
std::optional<std::vector<typename Kind::Record>> listing(Driver& driver, const Call& call) {
  auto result = Kind::list(driver, call);
  if (!result) {
    ADD_FAILURE() << in_check() << "listing " << Kind::kPlural << " failed: " << describe(result.error())
                  << " (expected the listing to succeed)";
    return std::nullopt;
  }
  return std::move(*result);
}

// The listing, and a failure unless it has at least one record: a check about listed objects
// would otherwise pass without looking at anything.
template <class Kind>
std::optional<std::vector<typename Kind::Record>> non_empty_listing(Driver& driver, const Call& call) {
  auto records = listing<Kind>(driver, call);
  if (records && records->empty()) {
    ADD_FAILURE() << in_check() << "the listing has no " << Kind::kPlural << ": expected at least one, so "
                  << "that this check examines something (give the backend an inventory: options or fixture hook)";
    return std::nullopt;
  }
  return records;
}

// A record by reference, or nullptr.
template <class Record>
const Record* find_record(const std::vector<Record>& records, const StringMap& reference) {
  for (const auto& r : records)
    if (r.reference == reference) return &r;
  return nullptr;
}

struct MalformedReference {
  std::string why;  // "no source-name or source-id", "a path escape (../x)", ...
  StringMap reference;
};

// References no driver may accept. `scratch_dir` is where a reference that smuggles a shell
// command would create a file (see shell_probe_path).
std::vector<MalformedReference> malformed_references(const std::string& scratch_dir);
// The file a shell-interpreted reference would create.
std::string shell_probe_path(const std::string& scratch_dir);

// A well-formed reference, derived from a listed one, that names nothing: every value gets a
// suffix.
StringMap missing_reference_like(const StringMap& listed);

// A fresh random UUID ("0b1c...-..."), as the host uses for catalog ids.
std::string new_uuid();

}  // namespace snapmgr::conformance
