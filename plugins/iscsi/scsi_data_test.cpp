// Decoding what a target answers (scsi_data.hpp), from the bytes on the wire.
#include "scsi_data.hpp"

#include <string>

#include <gtest/gtest.h>

#include "scsi_data_testing.hpp"

namespace snapmgr::iscsi {
namespace {

using testing::answered_task;
using testing::ScsiCommand;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(ScsiData, ReportLunsListsTheLunsInTheTargetsOrder) {
  // LUN list length 24 (three 8-byte entries), reserved, then LUNs 0, 2 and 1.
  const std::string data = bytes({0, 0, 0, 24, 0, 0, 0, 0}) + bytes({0, 0, 0, 0, 0, 0, 0, 0}) +
                           bytes({0, 2, 0, 0, 0, 0, 0, 0}) + bytes({0, 1, 0, 0, 0, 0, 0, 0});
  auto task = answered_task(ScsiCommand::ReportLuns, data);
  auto luns = decode_report_luns(*task);
  ASSERT_TRUE(luns);
  EXPECT_EQ(*luns, (std::vector<int>{0, 2, 1}));
}

TEST(ScsiData, ReportLunsLongerThanTheDataKeepsTheEntriesReceived) {
  // Announces a 4 GiB list; sends two entries (fuzz/corpus/iscsi_scsi_data/report-luns-4gib).
  const std::string data = bytes({0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0}) + bytes({0, 3, 0, 0, 0, 0, 0, 0}) +
                           bytes({0, 4, 0, 0, 0, 0, 0, 0}) + bytes({0, 5});
  auto task = answered_task(ScsiCommand::ReportLuns, data);
  auto luns = decode_report_luns(*task);
  ASSERT_TRUE(luns);
  EXPECT_EQ(*luns, (std::vector<int>{3, 4}));
}

TEST(ScsiData, ReportLunsWithMoreDataThanAnnouncedIsNotDecoded) {
  auto task = answered_task(ScsiCommand::ReportLuns, bytes({0, 0, 0, 0, 0, 0, 0, 0}) + bytes({0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_FALSE(decode_report_luns(*task));
}

TEST(ScsiData, ReportLunsShorterThanItsHeaderIsNotDecoded) {
  auto task = answered_task(ScsiCommand::ReportLuns, bytes({0, 0}));
  EXPECT_FALSE(decode_report_luns(*task));
}

std::string standard_inquiry(int peripheral) {
  std::string data = bytes({peripheral, 0, 5, 2, 31, 0, 0, 0});
  data += "IET     ";          // vendor, 8 bytes, space-padded
  data += "VIRTUAL-DISK    ";  // product, 16 bytes
  data += "0001";              // revision
  return data;
}

TEST(ScsiData, StandardInquiryKeepsVendorAndProductOfADisk) {
  auto task = answered_task(ScsiCommand::StandardInquiry, standard_inquiry(0x00));
  auto inquiry = decode_standard_inquiry(*task);
  ASSERT_TRUE(inquiry);
  EXPECT_TRUE(inquiry->direct_access_disk);
  EXPECT_EQ(inquiry->vendor, "IET");
  EXPECT_EQ(inquiry->product, "VIRTUAL-DISK");
}

TEST(ScsiData, StandardInquiryOfAControllerIsNotADisk) {
  auto task = answered_task(ScsiCommand::StandardInquiry, standard_inquiry(0x0c));  // storage array controller
  auto inquiry = decode_standard_inquiry(*task);
  ASSERT_TRUE(inquiry);
  EXPECT_FALSE(inquiry->direct_access_disk);
  EXPECT_EQ(inquiry->vendor, "");
}

TEST(ScsiData, StandardInquiryWithAQualifierOutsideTheEnumIsNotADisk) {
  // Qualifier 7 (the top three bits): no libiscsi enumerator has that value
  // (fuzz/corpus/iscsi_scsi_data/inquiry-qualifier-7).
  auto task = answered_task(ScsiCommand::StandardInquiry, standard_inquiry(0xe0));
  auto inquiry = decode_standard_inquiry(*task);
  ASSERT_TRUE(inquiry);
  EXPECT_FALSE(inquiry->direct_access_disk);
}

TEST(ScsiData, StandardInquiryShorterThanItsFixedPartIsNotDecoded) {
  // 8 bytes: libiscsi would copy vendor and product from past them
  // (fuzz/corpus/iscsi_scsi_data/inquiry-8-bytes).
  auto task = answered_task(ScsiCommand::StandardInquiry, standard_inquiry(0x00).substr(0, 8));
  EXPECT_FALSE(decode_standard_inquiry(*task));
}

TEST(ScsiData, ReadCapacity16IsLastLbaPlusOneTimesBlockLength) {
  std::string data = bytes({0, 0, 0, 0, 0, 0x3f, 0xff, 0xff, 0, 0, 0x02, 0});  // last LBA 0x3fffff, 512 B
  data.resize(32, '\0');
  auto task = answered_task(ScsiCommand::ReadCapacity16, data);
  EXPECT_EQ(decode_capacity16(*task).value_or(0), 0x400000ULL * 512);
}

TEST(ScsiData, UnitSerialNumberIsTrimmed) {
  const std::string serial = "  beaf11   ";
  auto task =
      answered_task(ScsiCommand::UnitSerialNumber, bytes({0, 0x80, 0, static_cast<int>(serial.size())}) + serial);
  EXPECT_EQ(decode_unit_serial_number(*task).value_or("?"), "beaf11");
}

TEST(ScsiData, UnitSerialNumberLongerThanTheDataIsNotDecoded) {
  auto task = answered_task(ScsiCommand::UnitSerialNumber, bytes({0, 0x80, 0, 200}) + "abc");
  EXPECT_FALSE(decode_unit_serial_number(*task));
}

std::string designator(int association, int type, const std::string& value) {
  return bytes({0x01, (association << 4) | type, 0, static_cast<int>(value.size())}) + value;
}

std::string device_identification(const std::string& designators) {
  return bytes({0, 0x83, 0, static_cast<int>(designators.size())}) + designators;
}

TEST(ScsiData, DesignatorPrefersTheLogicalUnitsNaa) {
  const std::string eui = bytes({0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77});
  const std::string port_naa = bytes({0x6f, 0, 0, 0, 0, 0, 0, 0x01});  // associated with the port
  const std::string naa = bytes({0x60, 0x01, 0x40, 0x50, 0, 0, 0, 0x0e, 0, 0, 0, 0, 0, 0x01, 0, 0x01});
  auto task =
      answered_task(ScsiCommand::DeviceIdentification,
                    device_identification(designator(0, 2, eui) + designator(1, 3, port_naa) + designator(0, 3, naa)));
  EXPECT_EQ(decode_designator(*task).value_or("?"), "naa.600140500000000e0000000000010001");
}

TEST(ScsiData, DesignatorFallsBackToEuiThenToNothing) {
  const std::string eui = bytes({0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77});
  auto with_eui = answered_task(ScsiCommand::DeviceIdentification, device_identification(designator(0, 2, eui)));
  EXPECT_EQ(decode_designator(*with_eui).value_or("?"), "eui.0011223344556677");
  auto with_none = answered_task(ScsiCommand::DeviceIdentification, device_identification(""));
  EXPECT_EQ(decode_designator(*with_none).value_or("?"), "");
}

TEST(ScsiData, DesignatorLongerThanTheDataIsNotDecoded) {
  const std::string naa = bytes({0x60, 0, 0, 0, 0, 0, 0, 0x0e, 0, 0, 0, 0, 0, 0x01, 0, 0x01});
  // The descriptor announces 200 bytes, the target sent 16 (fuzz/corpus/iscsi_scsi_data/device-id-overlong).
  auto overlong =
      answered_task(ScsiCommand::DeviceIdentification, device_identification(bytes({0x01, 0x03, 0, 200}) + naa));
  EXPECT_FALSE(decode_designator(*overlong));
  // The page announces more than was sent.
  auto short_page = answered_task(ScsiCommand::DeviceIdentification, bytes({0, 0x83, 0, 40}) + designator(0, 3, naa));
  EXPECT_FALSE(decode_designator(*short_page));
  // A descriptor header cut by the end of the page.
  auto cut = answered_task(ScsiCommand::DeviceIdentification, device_identification(bytes({0x01, 0x03})));
  EXPECT_FALSE(decode_designator(*cut));
}

TEST(ScsiData, ReadKeysSaysWhetherAnyKeyIsRegistered) {
  auto none = answered_task(ScsiCommand::ReadKeys, bytes({0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(decode_registered(*none), std::optional<bool>(false));
  auto one =
      answered_task(ScsiCommand::ReadKeys, bytes({0, 0, 0, 2, 0, 0, 0, 8}) + bytes({0, 0, 0, 0, 0, 0, 0x12, 0x34}));
  EXPECT_EQ(decode_registered(*one), std::optional<bool>(true));
}

}  // namespace
}  // namespace snapmgr::iscsi
