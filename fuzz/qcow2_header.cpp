// Fuzz target: the qcow2 header reader of the nfs driver (plugins/nfs/qcow2_header). The input
// is a whole image file: its first kHeaderProbeBytes are the head the driver reads, its length
// the file size; when the header names a backing file, its name is taken from the bytes at
// backing_file_offset as share_scan.cpp does (from the head when it holds them, else from a
// second read of the file).
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "qcow2_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snapmgr::nfs;
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  const std::string_view head = file.substr(0, std::min(size, kHeaderProbeBytes));
  if (!has_qcow2_magic(head)) return 0;
  auto header = parse_qcow2_header(head, size);
  if (!header || !header->has_backing_file()) return 0;
  // A read at an offset past the end returns nothing; a short read returns what is there.
  const std::string_view name_bytes = header->backing_file_offset < size
                                          ? file.substr(header->backing_file_offset, header->backing_file_size)
                                          : std::string_view();
  (void)backing_file_name(*header, name_bytes);
  return 0;
}
