// Test and fuzzing support for scsi_data.hpp: a task for one of the commands the driver issues
// (its CDB built by libiscsi, as the driver builds it) that completed GOOD with the given
// data-in bytes, as if a target had answered them.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

namespace snapmgr::iscsi::testing {

enum class ScsiCommand {
  ReportLuns,
  StandardInquiry,
  ReadCapacity16,
  UnitSerialNumber,
  DeviceIdentification,
  ReadKeys
};

struct TaskFree {
  void operator()(scsi_task* task) const noexcept { scsi_free_scsi_task(task); }
};
using AnsweredTask = std::unique_ptr<scsi_task, TaskFree>;

// The allocation lengths are lun_probe.cpp's.
inline AnsweredTask answered_task(ScsiCommand command, std::string_view datain) {
  scsi_task* task = nullptr;
  switch (command) {
    case ScsiCommand::ReportLuns: task = scsi_reportluns_cdb(0, 16384); break;
    case ScsiCommand::StandardInquiry: task = scsi_cdb_inquiry(0, 0, 255); break;
    case ScsiCommand::ReadCapacity16: task = scsi_cdb_readcapacity16(); break;
    case ScsiCommand::UnitSerialNumber:
      task = scsi_cdb_inquiry(1, SCSI_INQUIRY_PAGECODE_UNIT_SERIAL_NUMBER, 255);
      break;
    case ScsiCommand::DeviceIdentification:
      task = scsi_cdb_inquiry(1, SCSI_INQUIRY_PAGECODE_DEVICE_IDENTIFICATION, 1024);
      break;
    case ScsiCommand::ReadKeys: task = scsi_cdb_persistent_reserve_in(SCSI_PERSISTENT_RESERVE_READ_KEYS, 16384); break;
  }
  AnsweredTask answered(task);
  if (!task) return answered;
  task->status = SCSI_STATUS_GOOD;
  // Exactly the bytes received, in their own allocation (freed with the task), so that the
  // sanitizers see any read past them.
  task->datain.size = static_cast<int>(datain.size());
  task->datain.data = static_cast<unsigned char*>(std::malloc(datain.empty() ? 1 : datain.size()));
  if (!datain.empty()) std::memcpy(task->datain.data, datain.data(), datain.size());
  return answered;
}

}  // namespace snapmgr::iscsi::testing
