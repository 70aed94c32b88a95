// Reads what each file of a share is, from its directory entry and its first bytes.
//
// Purpose: discovery must survive anything a share holds. Every regular, non-hidden file with
// a usable name is read once (kHeaderProbeBytes, plus the backing file name when an image
// stores it further out); Cinder's `<volume file>.info` files are skipped (they are JSON, not
// images). A file that cannot be read or whose qcow2 header is broken becomes `Unusable` with
// the reason — only failures of the whole share (deadline passed, server gone) fail the scan.
//
// Ownership/thread-safety: free functions; the caller serialises access to the share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "naming_scheme.hpp"
#include "share_access.hpp"

namespace snapmgr::nfs {

enum class ImageFormat { Raw, Qcow2, Unusable };

struct FileFacts {
  std::string name;
  std::uint64_t file_size = 0;
  ImageFormat format = ImageFormat::Raw;
  bool qcow2_magic = false;                 // starts with QFI\xfb (also when Unusable)
  std::uint64_t virtual_size = 0;           // qcow2: from the header; raw: the file's size
  std::optional<std::string> backing_file;  // qcow2: as written in the header
  std::string problem;                      // Unusable: why
};

// The facts of regular file `entry`. Errors: NotFound when the file vanished, and failures of
// the whole share; a problem with this file alone is reported as an Unusable FileFacts.
Result<FileFacts> read_file_facts(ShareAccess& share, const Call& call, const ShareEntry& entry);
// The same from `head`, the result of reading the file's first kHeaderProbeBytes.
Result<FileFacts> file_facts_from(ShareAccess& share, const Call& call, const ShareEntry& entry,
                                  Result<std::string> head);

struct ShareScan {
  std::vector<ShareEntry> entries;  // every entry of the directory
  std::vector<FileFacts> files;     // the image candidates, sorted by name
};

// Lists the share and reads every image candidate. Errors: the share's (unreachable, export
// missing, permission denied on the directory) and Timeout when the deadline passes.
Result<ShareScan> scan_share(ShareAccess& share, const Call& call, const NamingScheme& naming);

// Whether a listing considers `entry` at all: a regular file whose name passes
// unsafe_file_name_reason and that is not a volume's info file.
bool is_image_candidate(const ShareEntry& entry, const NamingScheme& naming);

}  // namespace snapmgr::nfs
