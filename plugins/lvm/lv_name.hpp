// LVM's naming rules, checked before any lvm2 process runs, and Cinder's naming scheme.
//
// Purpose: a reference arrives straight from an API user. Everything that is not a name lvm2
// itself would accept is refused here, with InvalidReference, so that no process is started
// for it (and nothing that is not a plain LV name ever reaches an argv). The rules are those of
// lvm2 2.03 (lib/misc/lvm-string.c, checked against lvm2 2.03.16 on the test machines):
//   - characters a-z A-Z 0-9 + _ . - only, not starting with '-', not "." or "..";
//   - at most kMaxLvNameLength (127) characters, and "<vg>/<lv>" at most kMaxFullNameLength
//     (125) characters — lvm2 2.03.16 refuses longer LV names with "Internal error: LV name
//     ... length N is not supported";
//   - not starting with "snapshot" or "pvmove", not containing a component suffix such as
//     "_tdata", "_tmeta", "_cdata", "_rimage", "_mlog", "_pmspare", "_vorigin" (full list in
//     kReservedNameParts). Names Cinder escapes with a leading '_' ("_snapshot-<uuid>") are
//     legal.
// Volume group names follow the same character rules (no reserved parts).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "snapmgr/result.hpp"

namespace snapmgr::lvm {

inline constexpr std::size_t kMaxLvNameLength = 127;
inline constexpr std::size_t kMaxFullNameLength = 125;  // "<vg>/<lv>"

inline constexpr std::string_view kReservedNamePrefixes[] = {"pvmove", "snapshot"};
inline constexpr std::string_view kReservedNameParts[] = {
    "_cdata",   "_cmeta",  "_corig", "_cpool", "_cvol",  "_imeta", "_iorig",   "_mimage", "_mlog",
    "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig"};

// Empty when `lv` is a name lvm2 accepts for an LV in volume group `vg`; otherwise the reason,
// e.g. "contains ';', which LVM does not allow in names".
std::string lv_name_problem(std::string_view lv, std::string_view vg);

// Empty when `vg` is a name lvm2 accepts for a volume group; otherwise the reason.
std::string vg_name_problem(std::string_view vg);

// A name for messages: quoted, control and non-ASCII bytes as \xNN, cut after 80 characters.
std::string quote_name(std::string_view name);

// Cinder's template expansion: every "%s" in `name_template` replaced by `id`.
std::string expand_template(std::string_view name_template, std::string_view id);

// Cinder's escaping of snapshot LV names: LVM reserves names starting with "snapshot", so such
// a name gets a leading '_' ("snapshot-<id>" → "_snapshot-<id>"); other names are unchanged.
std::string escape_snapshot_name(std::string name);

}  // namespace snapmgr::lvm
