// ShareAccess over NFS with libnfs (user space; the kernel here cannot mount NFS).
//
// The share `server:/export` is mounted lazily on first use and the connection is kept
// between calls; any error other than a plain file error (missing file, permission) drops it,
// and the next call reconnects. Each operation waits at most `min(command_timeout,
// call.remaining())`, rounded up to whole seconds (libnfs accepts only whole seconds), and a
// call whose deadline has passed does no I/O at all. libnfs's directory cache is off so a
// listing always shows the server's current directory; automatic reconnection is off so a
// dead server gives an error instead of an endless retry.
//
// NFSv4 (default) needs only the server's NFS port (`nfs_port`, default 2049). NFSv3 also
// needs the server's portmapper (rpcbind) for the MOUNT protocol.
//
// Ownership/thread-safety: owns its libnfs context; not thread-safe (see share_access.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "share_access.hpp"

struct nfs_context;
struct nfsfh;

namespace snapmgr::nfs {

struct NfsEndpoint {
  std::string server;       // host name or address, as in the share text
  std::string export_path;  // absolute; for NFSv4 the export's pseudo path
  int version = 4;          // 3 or 4
  std::optional<int> port;  // NFS port; nullopt = the protocol's default (via portmapper for v3)
};

class LibnfsShare final : public ShareAccess {
 public:
  LibnfsShare(std::string name, NfsEndpoint endpoint, std::chrono::seconds command_timeout);
  ~LibnfsShare() override;
  LibnfsShare(const LibnfsShare&) = delete;
  LibnfsShare& operator=(const LibnfsShare&) = delete;

  const std::string& name() const noexcept override { return name_; }
  std::optional<std::string> local_directory() const override { return std::nullopt; }
  Status probe(const Call& call) override;
  Result<std::vector<ShareEntry>> list(const Call& call) override;
  Result<ShareEntry> stat(const Call& call, const std::string& name) override;
  Result<std::string> read(const Call& call, const std::string& name, std::uint64_t offset,
                           std::size_t length) override;
  // Runs kReadLanes open → read → close sequences at once, one per connection (libnfs's
  // asynchronous interface), so a listing does not wait for three round trips per file.
  // Several connections, not one: libnfs 4.0 has one NFSv4 open-owner per connection, whose
  // OPEN and CLOSE requests must not overlap (the server answers NFS4ERR_BAD_SEQID).
  std::vector<Result<std::string>> read_many(const Call& call, const std::vector<ReadRequest>& requests) override;
  Status replace(const Call& call, const std::string& name, const std::string& content) override;

  static constexpr std::size_t kReadLanes = 8;

 private:
  class ReadBatch;
  // The Error for a failed libnfs call: its status and the library's text (no side effect).
  Error error_for(const std::string& what, int status, const std::string& detail) const;
  // A new mounted context. Errors name the share and say why (unreachable, no export, ...).
  Result<nfs_context*> connect(const Call& call) const;
  // The mounted main context, connecting first if needed, with the call's timeout applied.
  Result<nfs_context*> context(const Call& call);
  // The main context and up to `wanted - 1` more (kept connected between calls).
  Result<std::vector<nfs_context*>> lanes(const Call& call, std::size_t wanted);
  // min(command_timeout, call.remaining()) in whole seconds, as libnfs wants it.
  int timeout_ms(const Call& call) const;
  // Turns a failed libnfs call's status into an Error; drops the connection unless it is a
  // plain file error or the caller still has to close a handle (`keep_connection`).
  Error failure(const std::string& what, int status, bool keep_connection = false);
  // failure() for the export's own directory: never NotFound, and a stale root reconnects.
  Error root_failure(const std::string& what, int status);
  // Closes a file handle after an operation that ended with `status`.
  void close_handle(nfsfh* fh, int status) noexcept;
  void disconnect() noexcept;

  std::string name_;
  NfsEndpoint endpoint_;
  std::chrono::seconds command_timeout_;
  nfs_context* nfs_ = nullptr;
  std::vector<nfs_context*> extra_lanes_;  // read_many's further connections
};

}  // namespace snapmgr::nfs
