// What one logged-in session can learn about a target's LUNs, with plain SCSI commands:
//
//   REPORT LUNS                 which LUNs the target has
//   INQUIRY (standard)          device type (only direct-access disks are kept: LUN 0 of tgt is a
//                               storage array controller), vendor and product (trimmed)
//   TEST UNIT READY             clears the UNIT ATTENTION every new session first gets
//   READ CAPACITY(16)           size in bytes = (last LBA + 1) x block length
//   INQUIRY VPD 0x80            unit serial number (space-padded on the wire; trimmed)
//   INQUIRY VPD 0x83            designator (see iscsi_names.hpp)
//   PERSISTENT RESERVE IN       READ KEYS: any registered key means an initiator uses the LUN
//
// Every command is retried up to 3 times while it answers UNIT ATTENTION (new session, reset,
// reservation changes by other initiators). A command that fails at the SCSI level does not end
// the probe: the first such failure is kept as `problem` and the remaining facts are still
// collected. A PERSISTENT RESERVE IN that is rejected as unsupported (ILLEGAL REQUEST) is not a
// problem: the LUN is then simply not known to be in use. Transport failures and timeouts break
// the session and are returned as errors.
//
// Thread-safety: functions over one session, which must not be shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iscsi_session.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::iscsi {

struct LunFacts {
  int lun = 0;
  std::uint64_t size_bytes = 0;
  std::string designator;  // "" when the LUN reports no NAA/EUI designator
  std::string serial;
  std::string vendor;
  std::string product;
  bool registered = false;             // persistent-reservation registrations present
  std::optional<std::string> problem;  // e.g. "READ CAPACITY(16) failed: CHECK CONDITION, ..."
};

// The LUN numbers REPORT LUNS returns, in the target's order.
Result<std::vector<int>> report_luns(IscsiSession& session);

// The facts of `lun`, or nullopt when it is not a direct-access disk.
Result<std::optional<LunFacts>> probe_lun(IscsiSession& session, int lun);

}  // namespace snapmgr::iscsi
