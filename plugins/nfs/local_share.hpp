// ShareAccess over a local directory: a share the operating system mounted (e.g. by
// `mount -t nfs`), or any directory holding Cinder-style images.
//
// Every operation opens the directory afresh and works relative to that descriptor (openat,
// fstatat, renameat) with O_NOFOLLOW, so a symbolic link placed in the share cannot lead a read
// or a write outside it. Local I/O cannot be interrupted; calls check the deadline before each
// file operation instead.
//
// Ownership/thread-safety: see share_access.hpp (not thread-safe; the driver serialises).
#pragma once

#include "share_access.hpp"

namespace snapmgr::nfs {

class LocalShare final : public ShareAccess {
 public:
  // `name` is the share as configured; `directory` its absolute path.
  LocalShare(std::string name, std::string directory);

  const std::string& name() const noexcept override { return name_; }
  std::optional<std::string> local_directory() const override { return directory_; }
  Status probe(const Call& call) override;
  Result<std::vector<ShareEntry>> list(const Call& call) override;
  Result<ShareEntry> stat(const Call& call, const std::string& name) override;
  Result<std::string> read(const Call& call, const std::string& name, std::uint64_t offset,
                           std::size_t length) override;
  Status replace(const Call& call, const std::string& name, const std::string& content) override;

 private:
  class Directory;
  Result<Directory> open_directory(const Call& call) const;

  std::string name_;
  std::string directory_;
};

}  // namespace snapmgr::nfs
