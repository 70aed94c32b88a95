// What an LV is, read from its lvs row, and the raw records the driver reports for it.
//
// Classification (lv_attr character 1 = the volume type, lvs(8)):
//   thick snapshot  's' (classic copy-on-write snapshot); 'S' (a classic snapshot being merged
//                   into its origin) too, reported with the reason "snapshot is being merged
//                   into its origin" because it vanishes when the merge ends.
//   thin snapshot   'V' with a non-empty origin. (Cinder never lists these; we do.)
//   volume          '-' plain, 'o'/'O' origin of snapshots, 'V' thin volume without origin,
//                   'm'/'M' mirror, 'r'/'R' raid, 'v' VDO volume, 'C' cached volume (one with
//                   a pool_lv; a 'C' without one is a cache pool).
//   other           everything LVM creates for itself and a user never attaches: thin pools
//                   't', pool data 'T', metadata/spares 'e', mirror/raid images 'i'/'I', mirror
//                   logs 'l', pvmove 'p', VDO pools 'd'/'D', LVs under conversion 'c', cache
//                   pools, and any LV whose reported name is in brackets (hidden). Never listed,
//                   never adoptable.
// In use: lv_attr character 6 is 'o' (the device is open). Without device-mapper lvm2 reports
// 'X' (unknown), which counts as not in use. A snapshot whose state (character 5) is 'I' or 'S'
// is invalid (its COW store overflowed) and carries the reason "snapshot is invalid".
//
// Records carry raw facts only: reference {"source-name": <name>}, exact lv_size (for a classic
// snapshot that is its COW store's size, as Cinder reports it), origin, in-use flag, reason,
// extra_info {"type": "thick"|"thin"|"vdo", "lv_uuid", and "pool"/"tags" when set}.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "lvs_report.hpp"
#include "snapmgr/records.hpp"

namespace snapmgr::lvm {

enum class LvKind { ThickSnapshot, ThinSnapshot, Volume, Other };

LvKind classify(const LvRow& lv);
bool is_snapshot(LvKind kind);

// "a thin pool", "a classic snapshot of 'vol-a'", ... — for InvalidReference messages.
std::string describe(const LvRow& lv);

ManageableSnapshot to_snapshot_record(const LvRow& lv);
ManageableVolume to_volume_record(const LvRow& lv);

}  // namespace snapmgr::lvm
