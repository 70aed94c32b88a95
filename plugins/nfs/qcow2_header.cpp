#include "qcow2_header.hpp"

#include <cstdio>

namespace snapmgr::nfs {
namespace {

constexpr std::size_t kVersion2HeaderBytes = 72;
constexpr std::size_t kVersion3HeaderBytes = 104;
constexpr std::uint32_t kMinClusterBits = 9;  // qemu's limits
constexpr std::uint32_t kMaxClusterBits = 21;
// Incompatible feature bits qemu 7.2 knows: dirty, corrupt, external data file, compression
// type, extended L2 entries.
constexpr std::uint64_t kCorruptBit = 1u << 1;
constexpr std::uint64_t kExternalDataFileBit = 1u << 2;
constexpr std::uint64_t kKnownIncompatibleBits = 0x1F;

std::uint64_t big_endian(std::string_view bytes, std::size_t offset, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  return value;
}

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

Error bad(std::string reason) { return Error::backend(std::move(reason)); }

}  // namespace

bool has_qcow2_magic(std::string_view head) noexcept {
  return head.size() >= 4 && head.substr(0, 4) == std::string_view("QFI\xfb", 4);
}

Result<Qcow2Header> parse_qcow2_header(std::string_view head, std::uint64_t file_size) {
  if (!has_qcow2_magic(head)) return bad("not a qcow2 image (no QFI\\xfb magic)");
  if (head.size() < 8) {
    return bad("qcow2 header truncated: the file has " + std::to_string(file_size) + " bytes");
  }
  Qcow2Header h;
  h.version = static_cast<std::uint32_t>(big_endian(head, 4, 4));
  if (h.version != 2 && h.version != 3) {
    return bad("unsupported qcow2 version " + std::to_string(h.version) + " (expected 2 or 3)");
  }
  std::size_t header_length = h.version == 2 ? kVersion2HeaderBytes : kVersion3HeaderBytes;
  if (head.size() < header_length) {
    return bad("qcow2 header truncated: the file has " + std::to_string(file_size) + " bytes, a version " +
               std::to_string(h.version) + " header needs " + std::to_string(header_length));
  }
  h.backing_file_offset = big_endian(head, 8, 8);
  h.backing_file_size = static_cast<std::uint32_t>(big_endian(head, 16, 4));
  const auto cluster_bits = static_cast<std::uint32_t>(big_endian(head, 20, 4));
  h.virtual_size = big_endian(head, 24, 8);
  if (cluster_bits < kMinClusterBits || cluster_bits > kMaxClusterBits) {
    return bad("invalid qcow2 cluster_bits " + std::to_string(cluster_bits) + " (expected " +
               std::to_string(kMinClusterBits) + " to " + std::to_string(kMaxClusterBits) + ")");
  }
  h.cluster_size = std::uint64_t{1} << cluster_bits;
  if (h.version == 3) {
    const std::uint64_t incompatible = big_endian(head, 72, 8);
    if (incompatible & kCorruptBit) return bad("the qcow2 image is marked corrupt (incompatible feature bit 1)");
    if (incompatible & kExternalDataFileBit) {
      return bad("the qcow2 image keeps its data in an external data file, which may lie outside the share");
    }
    if (incompatible & ~kKnownIncompatibleBits) {
      return bad("the qcow2 image uses unknown incompatible features " + hex(incompatible & ~kKnownIncompatibleBits));
    }
    header_length = static_cast<std::size_t>(big_endian(head, 100, 4));
    if (header_length < kVersion3HeaderBytes || header_length > h.cluster_size) {
      return bad("invalid qcow2 header_length " + std::to_string(header_length));
    }
  }
  if (h.virtual_size > (std::uint64_t{1} << 62)) {
    return bad("invalid qcow2 virtual size " + std::to_string(h.virtual_size) + " bytes");
  }
  if (!h.has_backing_file()) return h;
  if (h.backing_file_size == 0) return bad("the qcow2 backing file name is empty");
  if (h.backing_file_size > kMaxBackingFileNameBytes) {
    return bad("the qcow2 backing file name has " + std::to_string(h.backing_file_size) + " bytes (at most " +
               std::to_string(kMaxBackingFileNameBytes) + ")");
  }
  const std::uint64_t name_end = h.backing_file_offset + h.backing_file_size;
  if (h.backing_file_offset < header_length) {
    return bad("the qcow2 backing file name (offset " + std::to_string(h.backing_file_offset) +
               ") overlaps the header");
  }
  if (name_end > h.cluster_size) {
    return bad("the qcow2 backing file name ends at byte " + std::to_string(name_end) +
               ", outside the first cluster (" + std::to_string(h.cluster_size) + " bytes)");
  }
  if (name_end > file_size) {
    return bad("qcow2 header truncated: the backing file name ends at byte " + std::to_string(name_end) +
               " but the file has " + std::to_string(file_size) + " bytes");
  }
  return h;
}

Result<std::string> backing_file_name(const Qcow2Header& header, std::string_view bytes) {
  if (bytes.size() < header.backing_file_size) {
    return bad("qcow2 header truncated: read " + std::to_string(bytes.size()) + " of the " +
               std::to_string(header.backing_file_size) + " bytes of the backing file name");
  }
  std::string_view name = bytes.substr(0, header.backing_file_size);
  if (name.find('\0') != std::string_view::npos) return bad("the qcow2 backing file name contains a NUL byte");
  return std::string(name);
}

}  // namespace snapmgr::nfs
