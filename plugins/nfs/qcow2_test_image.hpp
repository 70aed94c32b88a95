// Test support: the first bytes of a qcow2 image, built field by field, so that tests can make
// exactly the broken headers they need (real images come from qemu-img in tests/nfs).
#pragma once

#include <cstdint>
#include <string>

namespace snapmgr::nfs::testing {

struct Qcow2Fields {
  std::uint32_t version_ = 3;
  std::uint64_t virtual_size_ = 64ull << 20;
  std::string backing_file_;               // empty = none
  std::uint64_t backing_file_offset_ = 0;  // 0 = right after the header
  std::uint32_t cluster_bits_ = 16;
  std::uint64_t incompatible_features_ = 0;

  Qcow2Fields& version(std::uint32_t v) {
    version_ = v;
    return *this;
  }
  Qcow2Fields& size(std::uint64_t v) {
    virtual_size_ = v;
    return *this;
  }
  Qcow2Fields& backing(std::string v) {
    backing_file_ = std::move(v);
    return *this;
  }
  Qcow2Fields& backing_at(std::uint64_t v) {
    backing_file_offset_ = v;
    return *this;
  }
  Qcow2Fields& cluster_bits(std::uint32_t v) {
    cluster_bits_ = v;
    return *this;
  }
  Qcow2Fields& incompatible(std::uint64_t v) {
    incompatible_features_ = v;
    return *this;
  }
};

inline void put_big_endian(std::string& bytes, std::size_t offset, std::uint64_t value, std::size_t width) {
  if (bytes.size() < offset + width) bytes.resize(offset + width, '\0');
  for (std::size_t i = 0; i < width; ++i) {
    bytes[offset + width - 1 - i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
}

// The header (72 bytes for version 2, 104 for version 3) followed by the backing file name.
inline std::string qcow2_bytes(const Qcow2Fields& f) {
  std::string b = "QFI\xfb";
  const std::size_t header = f.version_ == 2 ? 72 : 104;
  b.resize(header, '\0');
  put_big_endian(b, 4, f.version_, 4);
  put_big_endian(b, 20, f.cluster_bits_, 4);
  put_big_endian(b, 24, f.virtual_size_, 8);
  if (f.version_ >= 3) {
    put_big_endian(b, 72, f.incompatible_features_, 8);
    put_big_endian(b, 96, 4, 4);        // refcount_order
    put_big_endian(b, 100, header, 4);  // header_length
  }
  if (!f.backing_file_.empty()) {
    const std::uint64_t offset = f.backing_file_offset_ ? f.backing_file_offset_ : header;
    put_big_endian(b, 8, offset, 8);
    put_big_endian(b, 16, f.backing_file_.size(), 4);
    if (b.size() < offset) b.resize(offset, '\0');
    b.replace(offset, f.backing_file_.size(), f.backing_file_);
  }
  return b;
}

}  // namespace snapmgr::nfs::testing
