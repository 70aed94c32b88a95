// The lvm driver: LVs of one LVM volume group as manageable volumes and snapshots, the way
// Cinder's LVM driver names them, without Cinder's per-LV process storm.
//
// Capabilities: snapshot discovery, snapshot adoption, volume discovery, volume adoption. No
// release: unmanaging leaves the LV as it is (named `_snapshot-<id>` / `volume-<id>`), as
// Cinder does.
//
// Process budget (docs/cinder-compatibility.md §8.1 is what this replaces): a listing runs exactly one
// lvm2 process (`lvs` over the VG); inspect runs one (`lvs <vg>/<lv>`); adopt at most two
// (that `lvs`, then `lvrename`). A malformed reference runs none: names are checked against
// LVM's rules first (lv_name.hpp).
//
// References: {"source-name": "<LV name>"} (other keys are ignored); the volume reference of a
// snapshot is {"source-name": "<origin LV name>"} — what listings report as source_reference
// and what adopt_volume returns. Adoption renames the LV: snapshots to
// escape(snapshot_name_template % id) = "_snapshot-<id>", volumes to volume_name_template % id
// = "volume-<id>", and returns {"source-name": "<new name>"}. An LV that already has the target
// name is not renamed; an id that makes no legal LV name is NotSupported, before any process. Adoption does not refuse
// an LV that is in use (nor does Cinder; lvrename works on open LVs); the host decides what in_use means.
//
// Ownership: holds its parsed options; borrows the host's logger and command runner.
// Thread-safety: stateless after construction; every method may run concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "inspection_memo.hpp"
#include "lvm_commands.hpp"
#include "lvm_options.hpp"
#include "snapmgr/driver_of.hpp"

namespace snapmgr::lvm {

class LvmDriver final : public DriverOf<LvmDriver>,
                        public SnapshotDiscovery,
                        public SnapshotAdoption,
                        public VolumeDiscovery,
                        public VolumeAdoption {
 public:
  static Result<std::unique_ptr<Driver>> create(const DriverContext& context);
  LvmDriver(LvmConfig config, const DriverContext& context);

  Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept override;
  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override;
  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override;
  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override;
  Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept override;
  Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                 const std::string& volume_id) noexcept override;

 private:
  // The LV name in `reference`, checked against LVM's rules; `role` ("snapshot", "volume")
  // names it in messages. Runs nothing.
  Result<std::string> lv_name(const StringMap& reference, const char* role) const;
  // One lvs: the snapshot `reference` names, checked to be a snapshot of `volume_reference`.
  // `missing` (when given) is set when the referenced LV does not exist at all.
  Result<LvRow> checked_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                 bool* missing = nullptr) const;
  // One lvs: the volume `reference` names, checked to be a volume.
  Result<LvRow> checked_volume(const Call& call, const StringMap& reference, bool* missing = nullptr) const;
  // The name an adopted LV gets: the template with "%s" = id (escaped for snapshots), checked
  // against LVM's rules (NotSupported for an id that makes no legal name). Runs nothing.
  Result<std::string> new_name(const std::string& name_template, const std::string& id, bool snapshot) const;
  // Renames `lv` to `target` unless it already has that name; returns the new reference.
  template <class Check>
  Result<StringMap> already_adopted(const Call& call, const Error& failure, bool missing, const std::string& target,
                                    Check check) const;
  Result<StringMap> rename_to(const Call& call, const LvRow& lv, const std::string& target, const char* role);

  // Renames the LV an inspection just checked (taken from `inspected_` under `key`) without a
  // second lvs; nullopt when there is none or the rename failed (the caller then looks again).
  std::optional<StringMap> adopt_inspected(const Call& call, const std::string& key, const std::string& target,
                                           const char* role);

  LvmConfig config_;
  Logger& logger_;
  LvmCommands commands_;
  InspectionMemo inspected_;
};

}  // namespace snapmgr::lvm
