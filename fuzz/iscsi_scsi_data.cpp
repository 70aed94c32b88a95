// Fuzz target: decoding what an iSCSI target answers (plugins/iscsi/scsi_data): libiscsi's
// unmarshaller and the facts the driver keeps. The input's first byte picks the command
// (REPORT LUNS, standard INQUIRY, READ CAPACITY(16), VPD 0x80, VPD 0x83, READ KEYS); the rest
// is the data-in, as many bytes as the target sent, in an allocation of exactly that size.
#include <cstdint>
#include <string_view>

#include "scsi_data.hpp"
#include "scsi_data_testing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snapmgr::iscsi;
  using testing::ScsiCommand;
  if (size == 0) return 0;
  const std::string_view datain(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto command = static_cast<ScsiCommand>(data[0] % 6);
  auto task = testing::answered_task(command, datain);
  switch (command) {
    case ScsiCommand::ReportLuns: (void)decode_report_luns(*task); break;
    case ScsiCommand::StandardInquiry: (void)decode_standard_inquiry(*task); break;
    case ScsiCommand::ReadCapacity16: (void)decode_capacity16(*task); break;
    case ScsiCommand::UnitSerialNumber: (void)decode_unit_serial_number(*task); break;
    case ScsiCommand::DeviceIdentification: (void)decode_designator(*task); break;
    case ScsiCommand::ReadKeys: (void)decode_registered(*task); break;
  }
  return 0;
}
