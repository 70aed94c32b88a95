// What a file of a share is — volume, snapshot or neither — and, for a snapshot, the volume
// file at the bottom of its backing chain.
//
// Rules (the same for listing, inspection and adoption):
//   - A qcow2 file whose backing file is another file of the share is a snapshot, whatever its
//     name (Cinder's `volume-<uuid>.<snapshot uuid>` overlays and overlays made by hand).
//   - A file named like a volume (`volume-<uuid>`) that is raw or qcow2 without a backing file
//     is a volume.
//   - Files that look like snapshots but cannot be used are snapshots with a `problem`: a broken
//     qcow2 header (unless named like a volume: then a volume with a problem), a raw or
//     standalone file named like a Cinder overlay, a backing file that is missing, outside the
//     share or unusable, a chain that loops, or a chain that does not end at a volume file.
//   - Everything else (info files, temporary files, other images) is neither.
// Backing file names are resolved as qemu does — relative to the overlay's directory, which is
// the share — and must name a file directly in the share; an absolute name is accepted only
// for a local share, when it points into the share's directory.
//
// Ownership/thread-safety: FileLookup implementations and ChainResolver borrow the share and
// the naming scheme; use them for one call, under the share's lock.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "naming_scheme.hpp"
#include "share_access.hpp"
#include "share_scan.hpp"

namespace snapmgr::nfs {

// The facts of the share's files by name.
class FileLookup {
 public:
  virtual ~FileLookup() = default;
  // nullptr when the share has no image candidate `name`. Errors: the share's.
  virtual Result<const FileFacts*> find(const std::string& name) = 0;
};

// Over a complete scan (listing).
class ScannedFiles final : public FileLookup {
 public:
  explicit ScannedFiles(const std::vector<FileFacts>& files);
  Result<const FileFacts*> find(const std::string& name) override;

 private:
  std::map<std::string, const FileFacts*, std::less<>> by_name_;
};

// Reads files when first asked (inspection and adoption touch only one chain).
class FilesOnDemand final : public FileLookup {
 public:
  FilesOnDemand(ShareAccess& share, const Call& call, const NamingScheme& naming);
  Result<const FileFacts*> find(const std::string& name) override;

 private:
  ShareAccess& share_;
  const Call& call_;
  const NamingScheme& naming_;
  std::map<std::string, std::unique_ptr<FileFacts>, std::less<>> cache_;  // null = absent
};

enum class FileRole { Volume, Snapshot, Other };

struct FileAnalysis {
  FileRole role = FileRole::Other;
  std::uint64_t size = 0;              // virtual size in bytes (0 when unknown)
  std::optional<std::string> base;     // snapshot: its chain's volume file; volume: itself
  std::optional<std::string> problem;  // why it cannot be adopted
};

class ChainResolver {
 public:
  ChainResolver(FileLookup& files, const NamingScheme& naming, const ShareAccess& share);

  // Classifies `file` and resolves its chain. Errors: only the share's (I/O, deadline).
  Result<FileAnalysis> analyse(const FileFacts& file);

 private:
  struct Origin {
    std::optional<std::string> base;
    std::string problem;
  };
  // The chain's volume file below `file` (which has a backing file), or why there is none.
  Result<Origin> origin_of(const FileFacts& file);
  // The share file a backing file name points to, or a problem text.
  Origin backing_in_share(const std::string& backing) const;

  FileLookup& files_;
  const NamingScheme& naming_;
  const std::string share_name_;
  const std::optional<std::string> local_directory_;
  std::map<std::string, Origin, std::less<>> resolved_;  // per overlay name
};

}  // namespace snapmgr::nfs
