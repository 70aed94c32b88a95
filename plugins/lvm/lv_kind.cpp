#include "lv_kind.hpp"

#include <string_view>

namespace snapmgr::lvm {
namespace {

bool hidden(const LvRow& lv) { return lv.name.front() == '['; }

char volume_type(const LvRow& lv) { return lv.attr[0]; }

bool open(const LvRow& lv) { return lv.attr[5] == 'o'; }

StringMap extra_info(const LvRow& lv, std::string type) {
  StringMap info{{"type", std::move(type)}, {"lv_uuid", lv.uuid}};
  if (!lv.pool.empty()) info.set("pool", lv.pool);
  if (!lv.tags.empty()) info.set("tags", lv.tags);
  return info;
}

}  // namespace

LvKind classify(const LvRow& lv) {
  if (hidden(lv)) return LvKind::Other;
  switch (volume_type(lv)) {
    case 's':
    case 'S': return LvKind::ThickSnapshot;
    case 'V': return lv.origin.empty() ? LvKind::Volume : LvKind::ThinSnapshot;
    case '-':
    case 'o':
    case 'O':
    case 'm':
    case 'M':
    case 'r':
    case 'R':
    case 'v': return LvKind::Volume;
    case 'C': return lv.pool.empty() ? LvKind::Other : LvKind::Volume;
    default: return LvKind::Other;
  }
}

bool is_snapshot(LvKind kind) { return kind == LvKind::ThickSnapshot || kind == LvKind::ThinSnapshot; }

std::string describe(const LvRow& lv) {
  const std::string attr = " (lv_attr " + lv.attr + ")";
  if (hidden(lv)) return "a hidden LVM-internal volume" + attr;
  switch (classify(lv)) {
    case LvKind::ThickSnapshot: return "a classic snapshot of '" + lv.origin + "'" + attr;
    case LvKind::ThinSnapshot: return "a thin snapshot of '" + lv.origin + "'" + attr;
    case LvKind::Volume: return "a volume" + attr;
    case LvKind::Other: break;
  }
  switch (volume_type(lv)) {
    case 't': return "a thin pool" + attr;
    case 'C': return "a cache pool" + attr;
    case 'd': return "a VDO pool" + attr;
    case 'p': return "a pvmove volume" + attr;
    case 'c': return "a volume under conversion" + attr;
    default: return "an LVM-internal volume" + attr;
  }
}

ManageableSnapshot to_snapshot_record(const LvRow& lv) {
  ManageableSnapshot r;
  const LvKind kind = classify(lv);
  r.reference.set("source-name", lv.name);
  r.size_bytes = lv.size_bytes;
  r.source_reference.set("source-name", lv.origin);
  r.in_use = open(lv);
  if (volume_type(lv) == 'S') {
    r.reason = "snapshot is being merged into its origin";
  } else if (lv.attr[4] == 'I' || lv.attr[4] == 'S') {
    r.reason = "snapshot is invalid (its copy-on-write store overflowed)";
  }
  r.extra_info = extra_info(lv, kind == LvKind::ThinSnapshot ? "thin" : "thick");
  return r;
}

ManageableVolume to_volume_record(const LvRow& lv) {
  ManageableVolume r;
  r.reference.set("source-name", lv.name);
  r.size_bytes = lv.size_bytes;
  r.in_use = open(lv);
  const char type = volume_type(lv);
  r.extra_info = extra_info(lv, type == 'V' ? "thin" : type == 'v' ? "vdo" : "thick");
  return r;
}

}  // namespace snapmgr::lvm
