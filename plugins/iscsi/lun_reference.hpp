// References to iSCSI LUNs and volumes: parsing what users send, and the canonical form listings
// report.
//
// A LUN is named two ways:
//   {"source-name": "<target iqn>/<lun>"}   e.g. "iqn.2026-11.io.snapmgr:snap-vol-a-1/1"; the
//                                            LUN is decimal, 0..16383
//   {"source-id": "<designator>"}           e.g. "naa.60000000000000000e00000000010001"
// Listings report both keys (the canonical reference; only source-name when the LUN has no NAA or
// EUI designator), and inspect/adopt accept either key alone or both — both must then name the same
// LUN, which is how adoption confirms that the LUN it adopts is the one that was listed.
//
// A volume reference (the `volume_reference` of snapshot inspect/adopt, or inspect_volume's
// reference) may also be a bare volume name, {"source-name": "<name>"} without '/': what
// snapshot listings report as `source_reference`. See iscsi_driver.hpp for how names relate.
//
// Parsing never touches the backend; every malformed reference is InvalidReference.
// Thread-safety: pure functions and value types.
#pragma once

#include <optional>
#include <string>

#include "snapmgr/result.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::iscsi {

inline constexpr int kMaxLun = 16383;  // flat LUN addressing, what REPORT LUNS gives libiscsi

struct LunAddress {
  std::string target;  // iSCSI name as given
  int lun = 0;
};
std::string to_string(const LunAddress& address);  // "<target>/<lun>"

struct LunLocator {
  std::optional<LunAddress> address;      // from source-name
  std::optional<std::string> designator;  // from source-id, canonical form
};

struct VolumeLocator {
  std::optional<std::string> name;  // bare source-name: a volume name
  LunLocator lun;                   // otherwise: the volume's LUN
};

// `what` names the reference in messages ("snapshot reference", "volume reference").
Result<LunLocator> parse_lun_reference(const StringMap& reference, const std::string& what);
Result<VolumeLocator> parse_volume_reference(const StringMap& reference, const std::string& what);

// {"source-name": "<iqn>/<lun>", "source-id": designator} (source-id only when non-empty).
StringMap canonical_reference(const LunAddress& address, const std::string& designator);

// {'k': 'v', ...} for messages: values quoted(), at most four keys shown.
std::string describe(const StringMap& reference);

}  // namespace snapmgr::iscsi
