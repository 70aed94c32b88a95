// The record of which LUN the iscsi driver adopted as which catalog object.
//
// Nothing can be written on a SAN LUN (no rename, no metadata), so adoption "records the
// association" here, in <state_dir>/iscsi-adoptions.json — the per-backend state directory the
// host gives the driver. It is what makes a second adoption of the same LUN fail with
// AlreadyManaged, as the SDK asks of drivers that record associations; the host's catalog stays
// the authority on what is managed.
//
//   record()  the LUN is not recorded yet -> recorded; recorded as the same kind and id -> success
//             (a retried adoption, e.g. after a crash); recorded as anything else ->
//             AlreadyManaged naming the kind, id and ledger file.
//   forget()  removes the record of catalog object `id` (release_snapshot, release_volume); false
//             when none.
//
// A record matches a LUN by designator when both have one (a LUN keeps it when it moves to
// another address), otherwise by "<target iqn>/<lun>" (case-insensitive IQN). An operator who
// stops managing a LUN outside snapmgr removes its entry from the file by hand (the
// AlreadyManaged message names the file).
//
// File format: {"format": 1, "adoptions": [{"kind", "id", "source-name", "source-id",
// "adopted_at"}]}; rewritten whole, atomically (temporary file, fsync, rename, fsync of the
// directory). A file that cannot be parsed is a BackendError naming it, never overwritten.
//
// Thread-safety: record() and forget() are serialised by a mutex (read-modify-write of the
// file), so two concurrent adoptions of one LUN cannot both succeed. One ledger per state dir.
#pragma once

#include <mutex>
#include <string>

#include "lun_reference.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::iscsi {

inline constexpr const char* kLedgerFile = "iscsi-adoptions.json";

class AdoptionLedger {
 public:
  explicit AdoptionLedger(std::string state_dir);

  Status record(const std::string& kind, const LunAddress& address, const std::string& designator,
                const std::string& id);
  Result<bool> forget(const std::string& kind, const std::string& id);

  const std::string& path() const { return path_; }

 private:
  std::mutex mutex_;
  std::string path_;
};

}  // namespace snapmgr::iscsi
