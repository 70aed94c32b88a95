// What discovery reports about a share's files: file analysis (file_analysis.hpp) joined with
// each volume's info file (in use = the overlay is the `active` image; adopted = an adoption
// record, adoption_records.hpp).
//
// Reasons, first match wins: the file's own problem (broken header, broken chain), then an
// unusable info file, then "already adopted as ...". Volumes are never reported in use: the
// share does not show whether a volume is attached (its `active` image says only which layer
// takes writes).
//
// Ownership/thread-safety: free functions; the caller holds the share's lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "file_analysis.hpp"

namespace snapmgr::nfs {

struct ListedFile {
  std::string name;
  FileAnalysis analysis;  // role, size, base (origin volume), problem
  bool in_use = false;
  std::optional<std::string> reason;        // why it is not safe to adopt (besides in use)
  std::optional<std::string> backing_file;  // as written in the qcow2 header
  std::string format;                       // "qcow2" or "raw"
};

struct ShareListing {
  std::vector<ListedFile> snapshots;  // sorted by name
  std::vector<ListedFile> volumes;    // sorted by name
};

// Scans the whole share. Errors: the share's (unreachable, permission, Timeout).
Result<ShareListing> list_share(ShareAccess& share, const Call& call, const NamingScheme& naming);

// One file as list_share would report it, reading only its chain and info file; nullopt when
// the share has no such image file. Errors: the share's.
Result<std::optional<ListedFile>> describe_file(ShareAccess& share, const Call& call, const NamingScheme& naming,
                                                const std::string& name);

}  // namespace snapmgr::nfs
