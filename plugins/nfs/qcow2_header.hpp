// Reads what the driver needs from a qcow2 image's first bytes, without qemu-img.
//
// Purpose: discovery reads every file's header over NFS, so it must be cheap (one read of the
// first kHeaderProbeBytes per file) and must never trust the bytes: corrupt or truncated
// headers become a reason text, never a crash or a huge allocation. Layout (big-endian, qemu's
// docs/interop/qcow2.txt, checked on qemu-img 7.2's v2 and v3 images): magic `QFI\xfb` at 0,
// version (2 or 3) at 4, backing_file_offset (u64) at 8, backing_file_size (u32) at 16,
// cluster_bits at 20, virtual size (u64) at 24; version 3 adds incompatible features (u64) at
// 72 and header_length (u32) at 100. The backing file name is `backing_file_size` bytes (no NUL, at
// most 1023) at `backing_file_offset`, inside the first cluster.
//
// Errors are `Error` values whose message is the reason shown to operators (the code is
// BackendError; the driver turns them into listing reasons).
//
// Ownership/thread-safety: pure functions over caller-owned bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "snapmgr/result.hpp"

namespace snapmgr::nfs {

// Enough for the fixed header and, in images made by qemu-img, the backing file name.
inline constexpr std::size_t kHeaderProbeBytes = 4096;
inline constexpr std::uint32_t kMaxBackingFileNameBytes = 1023;

struct Qcow2Header {
  std::uint32_t version = 0;
  std::uint64_t virtual_size = 0;
  std::uint64_t backing_file_offset = 0;  // 0 = no backing file
  std::uint32_t backing_file_size = 0;
  std::uint64_t cluster_size = 0;

  bool has_backing_file() const noexcept { return backing_file_offset != 0; }
};

// Whether `head` (a file's first bytes) starts with the qcow2 magic.
bool has_qcow2_magic(std::string_view head) noexcept;

// Parses and checks the fixed header. `head` is the file's first bytes (up to
// kHeaderProbeBytes) and `file_size` the whole file's size. Errors: truncated header,
// unsupported version, invalid cluster size, an image marked corrupt, unknown incompatible
// features or an external data file, a backing file name that is empty, too long, outside the
// first cluster, overlapping the header or past the end of the file.
Result<Qcow2Header> parse_qcow2_header(std::string_view head, std::uint64_t file_size);

// The backing file name from the `backing_file_size` bytes read at `backing_file_offset`.
// Errors: fewer bytes than announced, or a NUL byte inside the name.
Result<std::string> backing_file_name(const Qcow2Header& header, std::string_view bytes);

}  // namespace snapmgr::nfs
