#include "scsi_data.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <type_traits>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

template <class T>
T* unmarshalled(scsi_task& task) {
  return static_cast<T*>(scsi_datain_unmarshall(&task));
}

std::string trimmed(const char* text) {
  if (!text) return "";
  std::string s(text);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Whether the designation descriptors of a VPD 0x83 page lie within the page and the page within
// the data received. libiscsi 1.19 trusts the page length and each descriptor's length, and
// copies that many bytes from past the end of the data-in buffer when a target announces more
// than it sent (found by fuzz/iscsi_scsi_data.cpp).
// The data received, as bytes.
std::string_view datain(const scsi_task& task) {
  if (task.datain.size <= 0 || !task.datain.data) return {};
  return {reinterpret_cast<const char*>(task.datain.data), static_cast<std::size_t>(task.datain.size)};
}

bool designators_fit(const scsi_task& task) {
  const auto size = static_cast<std::size_t>(task.datain.size > 0 ? task.datain.size : 0);
  const unsigned char* data = task.datain.data;
  if (size < 4 || !data) return false;
  const std::size_t end = 4 + ((std::size_t{data[2]} << 8) | data[3]);
  if (end > size) return false;
  for (std::size_t at = 4; at < end; at += 4 + data[at + 3]) {
    if (at + 4 > end || at + 4 + data[at + 3] > end) return false;
  }
  return true;
}

// The value stored in an enum field of a libiscsi structure, as an integer. libiscsi stores raw
// bit fields of the target's answer there (a peripheral qualifier of 7, say) that need not be
// one of the enum's values; reading such a field as the enum is undefined behaviour in C++
// (found by fuzz/iscsi_scsi_data.cpp under UBSan).
template <class Enum>
std::underlying_type_t<Enum> raw(const Enum& field) {
  std::underlying_type_t<Enum> value;
  std::memcpy(&value, &field, sizeof value);
  return value;
}

std::string pick_designator(const scsi_inquiry_device_identification& page) {
  const scsi_inquiry_device_designator* eui = nullptr;
  for (auto* d = page.designators; d; d = d->next) {
    if (raw(d->association) != SCSI_ASSOCIATION_LOGICAL_UNIT || d->designator_length <= 0 || !d->designator) continue;
    if (raw(d->designator_type) == SCSI_DESIGNATOR_TYPE_NAA) {
      return format_designator("naa", reinterpret_cast<const unsigned char*>(d->designator),
                               static_cast<std::size_t>(d->designator_length));
    }
    if (raw(d->designator_type) == SCSI_DESIGNATOR_TYPE_EUI_64 && !eui) eui = d;
  }
  if (eui) {
    return format_designator("eui", reinterpret_cast<const unsigned char*>(eui->designator),
                             static_cast<std::size_t>(eui->designator_length));
  }
  return "";
}

}  // namespace

// Decoded from the bytes, as libiscsi 1.19's unmarshaller does, with one difference: libiscsi
// sizes the list by the length the target announces, not by the bytes it sent, so a target
// announcing a 4 GiB list makes it allocate 1 GiB and the driver loop 500 million times (found
// by fuzz/iscsi_scsi_data.cpp). Here only the entries received are decoded — a list longer than
// the allocation length is cut there, as the SCSI standard has it. Like libiscsi: fewer than 4
// bytes, or more bytes than announced, cannot be decoded; a LUN is the first two bytes of its
// 8-byte entry.
std::optional<std::vector<int>> decode_report_luns(scsi_task& task) {
  const auto size = static_cast<std::uint64_t>(task.datain.size > 0 ? task.datain.size : 0);
  const unsigned char* data = task.datain.data;
  if (size < 4 || !data) return std::nullopt;
  const std::uint64_t announced =
      ((std::uint64_t{data[0]} << 24) | (std::uint64_t{data[1]} << 16) | (std::uint64_t{data[2]} << 8) | data[3]) + 8;
  if (announced < size) return std::nullopt;
  const std::uint64_t available = std::min(announced, size);
  std::vector<int> luns;
  for (std::uint64_t at = 8; at + 8 <= available; at += 8) luns.push_back((data[at] << 8) | data[at + 1]);
  return luns;
}

std::optional<StandardInquiry> decode_standard_inquiry(scsi_task& task) {
  // libiscsi copies vendor, product and revision (bytes 8 to 35) whatever the size received;
  // standard INQUIRY data is at least 36 bytes (SPC-4 6.6.2).
  if (datain(task).size() < 36) return std::nullopt;
  auto* data = unmarshalled<scsi_inquiry_standard>(task);
  if (!data) return std::nullopt;
  StandardInquiry inquiry;
  inquiry.direct_access_disk = raw(data->qualifier) == SCSI_INQUIRY_PERIPHERAL_QUALIFIER_CONNECTED &&
                               raw(data->device_type) == SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS;
  if (inquiry.direct_access_disk) {
    inquiry.vendor = trimmed(data->vendor_identification);
    inquiry.product = trimmed(data->product_identification);
  }
  return inquiry;
}

std::optional<std::uint64_t> decode_capacity16(scsi_task& task) {
  auto* rc = unmarshalled<scsi_readcapacity16>(task);
  if (!rc) return std::nullopt;
  return (rc->returned_lba + 1) * static_cast<std::uint64_t>(rc->block_length);
}

std::optional<std::string> decode_unit_serial_number(scsi_task& task) {
  // libiscsi copies the page length's worth of bytes whatever the size received.
  const auto page = datain(task);
  if (page.size() < 4 || page.size() < 4u + static_cast<unsigned char>(page[3])) return std::nullopt;
  auto* usn = unmarshalled<scsi_inquiry_unit_serial_number>(task);
  if (!usn) return std::nullopt;
  return trimmed(usn->usn);
}

std::optional<std::string> decode_designator(scsi_task& task) {
  if (!designators_fit(task)) return std::nullopt;
  auto* page = unmarshalled<scsi_inquiry_device_identification>(task);
  if (!page) return std::nullopt;
  return pick_designator(*page);
}

std::optional<bool> decode_registered(scsi_task& task) {
  auto* keys = unmarshalled<scsi_persistent_reserve_in_read_keys>(task);
  if (!keys) return std::nullopt;
  return keys->num_keys > 0;
}

}  // namespace snapmgr::iscsi
