// The iscsi driver: SCSI LUNs behind iSCSI portals, read through libiscsi. Capabilities: snapshot
// discovery, snapshot adoption, snapshot release, volume discovery, volume adoption, volume
// release.
//
// Objects. Targets are sorted by name (target_naming.hpp): every disk LUN of a snapshot target is
// a snapshot, every disk LUN of a volume target is a volume. A LUN is referenced as
// {"source-name": "<target iqn>/<lun>", "source-id": "<designator>"} (lun_reference.hpp), sized by
// READ CAPACITY(16), in use when it has persistent-reservation registrations, and described in
// extra_info {"portal", "naa" (its designator, "" if none), "serial", "vendor", "product"}.
//
// The volume <-> origin relation, precisely:
//   - a volume's *name* is its target's name from volume_target_pattern (the `name` group, else
//     the IQN's last ':' component); all LUNs of one volume target share it;
//   - a snapshot LUN's origin is the `origin` group of snapshot_target_pattern on its target's
//     IQN, and it is reported as source_reference {"source-name": "<origin>"};
//   - a snapshot belongs to the volume referenced by `volume_reference` when the volume's name
//     equals the snapshot's origin. The volume reference may be that source_reference (a bare
//     name), the reference adopt_volume returned / listings report ("<iqn>/<lun>" with or without
//     source-id: the name comes from the IQN), or {"source-id"} alone (looked up on the backend).
//   - inspect_volume / adopt_volume accept a bare name too: it names the one volume target with
//     that name, which must have exactly one disk LUN.
//
// Adoption changes nothing on the SAN (a LUN cannot be renamed): adopt_* re-checks that the LUN
// still exists, is of the right kind (and origin), and still reports the designator the reference
// carries, records the association in the adoption ledger (adoption_ledger.hpp: a second
// adoption of the LUN under another id is AlreadyManaged), then returns the canonical reference
// {"source-name", "source-id"} — exactly what listings report for the LUN, so the host recognises
// it as managed. release_snapshot and release_volume only remove the ledger record; they never
// touch the target.
//
// Failures. Listing fails only when no portal answers SendTargets (BackendError, or Timeout when
// every portal timed out); other failures are contained:
//   - a portal that fails is logged (warning) and its targets are missing unless another portal
//     offers them;
//   - a target that cannot be logged in to (e.g. CHAP rejected), or whose LUNs cannot be listed,
//     or whose session breaks or times out, is listed as one entry for the whole target with
//     reference {"source-name": "<target iqn>"} (no LUN — such a reference is rejected by
//     inspect/adopt), size 0 and `reason` giving the cause; it is also logged;
//   - a LUN on which one of the probe commands fails is listed with its facts so far and that
//     failure as `reason`; inspect/adopt of such a LUN fail with BackendError.
// A call whose deadline passes returns Timeout. The CHAP password never appears in a log line or
// an error message.
//
// Thread-safety: the driver's state is its immutable configuration; every method may run
// concurrently with the others. Each call opens its own sessions (at most max_parallel_logins
// at a time) and closes them before returning.
#pragma once

#include <memory>

#include "adoption_ledger.hpp"
#include "iscsi_config.hpp"
#include "lun_resolver.hpp"
#include "snapmgr/driver_of.hpp"
#include "target_scanner.hpp"

namespace snapmgr::iscsi {

class IscsiDriver final : public DriverOf<IscsiDriver>,
                          public SnapshotDiscovery,
                          public SnapshotAdoption,
                          public SnapshotRelease,
                          public VolumeDiscovery,
                          public VolumeAdoption,
                          public VolumeRelease {
 public:
  static Result<std::unique_ptr<Driver>> create(const DriverContext& context);
  IscsiDriver(IscsiConfig config, Logger& logger, const std::string& state_dir);

  Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept override;
  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override;
  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override;
  Status release_snapshot(const Call& call, const StringMap& provider_reference,
                          const std::string& snapshot_id) noexcept override;
  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override;
  Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept override;
  Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                 const std::string& volume_id) noexcept override;
  Status release_volume(const Call& call, const StringMap& provider_reference,
                        const std::string& volume_id) noexcept override;

 private:
  // The scans of every target of `kind`, with failures logged; Timeout when the deadline passed.
  Result<std::vector<TargetScan>> scan_kind(const Call& call, TargetKind kind, const char* listing);
  Result<LocatedLun> checked_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference);
  Result<LocatedLun> checked_volume(const Call& call, const StringMap& reference);

  IscsiConfig config_;
  Logger& logger_;
  TargetScanner scanner_;
  LunResolver resolver_;
  AdoptionLedger ledger_;
};

}  // namespace snapmgr::iscsi
