// File access to one share: the one small interface both share kinds implement, so that
// discovery and adoption are written once.
//
// Purpose: a share is a flat directory of images (Cinder keeps every volume, overlay and info
// file directly in the export). Implementations: LibnfsShare (`server:/export`, spoken with
// libnfs; no kernel mount) and LocalShare (a directory the OS mounted, or any local
// directory). Names passed in are single file names already checked by file_names.hpp; an
// implementation never follows a symbolic link and never touches anything outside its
// directory.
//
// Errors: NotFound when the named file does not exist; Timeout when the server did not answer
// within `min(command_timeout_s, call.remaining())`; BackendError otherwise (unreachable
// server, missing export, permission denied, ...). Every message names the share.
//
// Ownership/thread-safety: NOT thread-safe — the driver serialises calls per share (a libnfs
// context serves one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::nfs {

struct ReadRequest {
  std::string name;
  std::uint64_t offset = 0;
  std::size_t length = 0;
};

struct ShareEntry {
  std::string name;
  std::uint64_t size = 0;
  bool regular = false;  // a regular file (not a directory, symbolic link, device, ...)
};

class ShareAccess {
 public:
  virtual ~ShareAccess() = default;

  // The share as configured (`server:/export` or a directory), for messages and references.
  virtual const std::string& name() const noexcept = 0;
  // For a local share, its directory as an absolute path (qcow2 images may name their backing
  // file by absolute path); nullopt for NFS shares, where absolute paths mean nothing.
  virtual std::optional<std::string> local_directory() const = 0;

  // Checks that the share's directory can be reached and read (a cheap call, used to tell a
  // failure of one file from a failure of the whole share).
  virtual Status probe(const Call& call) = 0;
  // Every entry of the share's directory except `.` and `..`.
  virtual Result<std::vector<ShareEntry>> list(const Call& call) = 0;
  // The entry `name` (not following symbolic links).
  virtual Result<ShareEntry> stat(const Call& call, const std::string& name) = 0;
  // Up to `length` bytes of regular file `name` from `offset` (fewer at the end of the file).
  virtual Result<std::string> read(const Call& call, const std::string& name, std::uint64_t offset,
                                   std::size_t length) = 0;
  // read() for many files, in request order. Implementations may overlap the requests (NFS
  // round trips dominate a listing); the default reads one after the other. Once the deadline
  // passes, the remaining results are Timeout errors.
  virtual std::vector<Result<std::string>> read_many(const Call& call, const std::vector<ReadRequest>& requests);
  // Replaces or creates `name` atomically: writes a hidden temporary file in the share,
  // flushes it, then renames it over `name`. On failure `name` is unchanged and the temporary
  // file is removed when possible.
  virtual Status replace(const Call& call, const std::string& name, const std::string& content) = 0;
};

// The error for a failed file operation: `what` ("reading 'x'"), the errno value and, when the
// library has one, its own text. ENOENT and ESTALE (the file was removed meanwhile) → NotFound;
// ETIMEDOUT → Timeout; EACCES, EPERM and EROFS say "permission denied"; anything else is a
// BackendError.
Error share_error(const std::string& share, const std::string& what, int error_number, const std::string& detail = {});

// A name for a temporary file next to `name`, unique within this process.
std::string temporary_name_for(const std::string& name);

}  // namespace snapmgr::nfs
