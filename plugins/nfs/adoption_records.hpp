// The driver's record of adoptions: keys in the volume's Cinder info file.
//
// Purpose: adopting a file on a share must not rename it (renaming a file in a backing chain
// breaks the overlays above it), so the association lives in `<volume file>.info`, Cinder's
// own map of snapshot id → file: adopting `file` as catalog object `<id>` adds `"<id>":
// "<file>"` (volumes too: their key maps to the volume file), releasing removes the key. The
// info file is rewritten atomically (temporary file + rename), keeping `active` and every other
// key; a missing one is created with `active` = the volume file, which is what Cinder assumes.
//
// A file is *already adopted* when the info file maps it to an id other than the one it is
// named after (naming_scheme.hpp): Cinder records each overlay under the id in its name when it
// creates it, so such a record is its creator's, not an adoption. A second adoption of an
// adopted file fails (AlreadyManaged); adopting again under the same id succeeds without a
// change, so a retried adoption is harmless.
//
// Concurrency: callers hold the share's lock, which serialises this process's updates. Writers
// in other processes (another snapmgrd, Cinder itself) are not locked out: each write replaces
// the whole file, so the last writer wins.
//
// Ownership/thread-safety: free functions; the caller serialises access to the share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "naming_scheme.hpp"
#include "share_access.hpp"
#include "volume_info.hpp"

namespace snapmgr::nfs {

// A volume's info file as found on the share.
struct InfoFile {
  std::string name;                // `<volume file>.info`
  std::optional<VolumeInfo> info;  // nullopt when missing or unusable
  std::string problem;             // why it is unusable (not JSON, too large, unreadable)

  bool usable() const noexcept { return problem.empty(); }
  // The active image: the info file's, or the volume file when there is none.
  std::string active(const std::string& volume_file) const { return info ? info->active() : volume_file; }
};

// Reads `<volume file>.info` (a missing file is not a problem). Errors: the share's (deadline,
// unreachable); problems of the file itself go into InfoFile::problem.
Result<InfoFile> load_info_file(ShareAccess& share, const Call& call, const std::string& volume_file);
// The same from `text`, the result of reading up to kMaxInfoFileBytes + 1 bytes of it.
Result<InfoFile> info_file_from(ShareAccess& share, const Call& call, const std::string& volume_file,
                                Result<std::string> text);

// The ids under which `info` records `file` as an adoption (see above), sorted.
std::vector<std::string> adoption_ids(const VolumeInfo& info, const std::string& file, const std::string& volume_file,
                                      const NamingScheme& naming);

// The listing reason for an adopted file, e.g. "already adopted as 4f0c... (recorded in
// volume-1.info)".
std::string adopted_reason(const std::vector<std::string>& ids, const std::string& info_file);

// Checks an id before it becomes a key: non-empty, not "active", printable, at most 255 bytes.
Status check_record_id(const std::string& id, const std::string& what);

// Records `"<id>": "<file>"` in the info file of `volume_file`. `kind` is "snapshot" or
// "volume" for messages. Errors: AlreadyManaged (the file is adopted under another id, or the
// id already names another file), BackendError (unusable info file, write failure), the share's.
Status record_adoption(ShareAccess& share, const Call& call, const NamingScheme& naming, const std::string& volume_file,
                       const std::string& file, const std::string& id, const std::string& kind);

// Removes the key `id` when it maps to `file`; a missing key, or one mapping to another file,
// leaves the info file untouched (and is reported through `note`).
Status forget_adoption(ShareAccess& share, const Call& call, const std::string& volume_file, const std::string& file,
                       const std::string& id, std::string& note);

}  // namespace snapmgr::nfs
