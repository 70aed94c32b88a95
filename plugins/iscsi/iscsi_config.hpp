// The iscsi driver's options, validated.
//
//   portals                  [host:port, ...]   required; SendTargets discovery runs on each. The
//                                                port defaults to 3260; IPv6 hosts go in brackets.
//   initiator_name           iSCSI name           default kDefaultInitiatorName
//   chap                     {user, password}    optional; one-way CHAP for every login. The
//                                                password never appears in a log line or message.
//   snapshot_target_pattern  regex               full match on the target IQN; group `origin` is
//                                                the name of the snapshot's origin volume
//   volume_target_pattern    regex               full match on the target IQN; optional group
//                                                `name` is the volume's name (default: the IQN's
//                                                last ':'-separated component)
//   command_timeout_s        integer 1..3600     default 30; bound on each network exchange
//                                                (connect, login, SendTargets, one SCSI command)
//   max_parallel_logins      integer 1..64       default 4; sessions open at the same time
//
// Named groups follow target_pattern.hpp's convention. The host has checked the top-level keys
// and types already; this checks what is inside and reports InvalidConfig naming key and line.
//
// Thread-safety: a value type, immutable once built.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "snapmgr/options.hpp"
#include "snapmgr/result.hpp"
#include "target_pattern.hpp"

namespace snapmgr::iscsi {

inline constexpr const char* kDefaultInitiatorName = "iqn.2026-11.io.snapmgr:initiator";
inline constexpr const char* kDefaultSnapshotPattern = R"(.*:snap-(?<origin>.+)-[0-9]+)";
inline constexpr const char* kDefaultVolumePattern = R"(.*)";
inline constexpr int kDefaultCommandTimeoutS = 30;
inline constexpr int kDefaultMaxParallelLogins = 4;

struct ChapCredentials {
  std::string user;
  std::string password;  // secret: never log or format it
};

struct IscsiConfig {
  std::vector<std::string> portals;  // "host:port", in configured order
  std::string initiator_name = kDefaultInitiatorName;
  std::optional<ChapCredentials> chap;
  TargetPattern snapshot_pattern;
  TargetPattern volume_pattern;
  std::chrono::seconds command_timeout{kDefaultCommandTimeoutS};
  int max_parallel_logins = kDefaultMaxParallelLogins;
};

Result<IscsiConfig> parse_iscsi_options(const OptionValue& options);

// Whether `portal` is "host[:port]" with a plausible host and a port in 1..65535; the text of
// the problem otherwise (exposed for tests).
std::optional<std::string> portal_problem(const std::string& portal);

}  // namespace snapmgr::iscsi
