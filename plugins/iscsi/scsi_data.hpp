// Decoding the data-in of SCSI commands the driver issues: libiscsi's unmarshaller
// (scsi_datain_unmarshall) turns the target's bytes into libiscsi's structures, and these
// functions keep the facts the driver uses from them.
//
// Purpose: the bytes come from the target, so they are untrusted input; these functions are the
// whole path from those bytes to LunFacts (lun_probe.hpp) and are fuzzed on their own
// (fuzz/iscsi_scsi_data_fuzzer.cpp).
//
// Each function takes a task that completed with SCSI_STATUS_GOOD and whose CDB is the command
// named (the unmarshaller picks the page layout from the CDB). nullopt means libiscsi could not
// decode the data. The structures libiscsi allocates belong to the task and are freed with it.
//
// Thread-safety: functions over one task, which must not be shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct scsi_task;

namespace snapmgr::iscsi {

// REPORT LUNS: the LUN numbers, in the target's order.
std::optional<std::vector<int>> decode_report_luns(scsi_task& task);

// Standard INQUIRY (at least the 36 bytes up to the revision; shorter data is not decoded).
struct StandardInquiry {
  bool direct_access_disk = false;  // a connected direct-access device (the only kind listed)
  std::string vendor;               // trimmed
  std::string product;              // trimmed
};
std::optional<StandardInquiry> decode_standard_inquiry(scsi_task& task);

// READ CAPACITY(16): size in bytes = (last LBA + 1) x block length.
std::optional<std::uint64_t> decode_capacity16(scsi_task& task);

// INQUIRY VPD 0x80: the unit serial number, trimmed (not decoded when the page is longer than
// the data received).
std::optional<std::string> decode_unit_serial_number(scsi_task& task);

// INQUIRY VPD 0x83: the first NAA designator of the logical unit, else the first EUI-64 one,
// formatted by format_designator (iscsi_names.hpp); "" when it has neither. A page whose
// descriptors run past its length, or whose length runs past the data received, is not decoded.
std::optional<std::string> decode_designator(scsi_task& task);

// PERSISTENT RESERVE IN (READ KEYS): whether any key is registered.
std::optional<bool> decode_registered(scsi_task& task);

}  // namespace snapmgr::iscsi
