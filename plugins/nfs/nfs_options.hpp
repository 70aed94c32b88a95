// The nfs driver's options, checked inside (the host already checked keys and types):
//   shares                  list of `server:/export` (NFS, through libnfs) or directories
//                           (absolute, or relative to snapmgrd's working directory); required,
//                           non-empty, no duplicates
//   nfs_version             3 or 4 (default 4)
//   nfs_port                the server's NFS port, 1..65535 (default: the protocol's)
//   snapshot_name_template  default `snapshot-%s` (naming_scheme.hpp)
//   volume_name_template    default `volume-%s`
//   command_timeout_s       1..3600, the longest wait for one NFS request (default 30)
// Errors are InvalidConfig naming the option (and line when known).
//
// Ownership/thread-safety: plain values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "naming_scheme.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::nfs {

struct ShareSpec {
  std::string text;  // as configured: the share's name in references and messages
  bool is_nfs = false;
  std::string server;       // NFS: host, IPv4 address or [IPv6 address]
  std::string export_path;  // NFS: absolute export path
  std::string directory;    // local: absolute path
};

struct NfsConfig {
  std::vector<ShareSpec> shares;
  int nfs_version = 4;
  std::optional<int> nfs_port;
  std::chrono::seconds command_timeout{30};
  std::string volume_name_template = "volume-%s";
  std::string snapshot_name_template = "snapshot-%s";
};

// Reads one share's text: `server:/export` is NFS, anything else a directory.
Result<ShareSpec> parse_share(const std::string& text);

Result<NfsConfig> parse_nfs_options(const OptionValue& options);

}  // namespace snapmgr::nfs
