// Finding targets on the configured portals and reading their LUNs.
//
// discover(): SendTargets on every portal, in parallel (at most max_parallel_logins sessions at
// once). A target offered by several portals (multipath) is kept once, with the first portal in
// configured order that offers it; that portal is the one its sessions use — the address the
// target advertises in TargetAddress is ignored, since the operator configured what is
// reachable. A portal that fails is reported in `failures`; discovery fails only when every
// portal failed (Timeout when they all timed out, BackendError otherwise, naming each portal).
//
// scan(): logs in to each given target (in parallel, at most max_parallel_logins at once), runs
// REPORT LUNS and probes each disk LUN (lun_probe.hpp), then logs out. A target that cannot be
// logged in to, or whose LUNs cannot be listed, or whose session breaks, gets a `problem` (and
// its partial LUN facts are dropped) — it never stops the others.
//
// Thread-safety: const methods over an immutable configuration; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "iscsi_config.hpp"
#include "lun_probe.hpp"
#include "snapmgr/services.hpp"
#include "target_naming.hpp"

namespace snapmgr::iscsi {

struct DiscoveredTarget {
  std::string iqn;
  std::string portal;  // the configured portal its sessions use
  TargetClass target_class;
};

struct Discovery {
  std::vector<DiscoveredTarget> targets;  // every target offered, classified, deduplicated
  std::vector<Error> failures;            // portals that did not answer, one error each
};

struct TargetProblem {
  ErrorCode code = ErrorCode::BackendError;  // Timeout or BackendError
  std::string message;
};

struct TargetScan {
  DiscoveredTarget target;
  std::optional<TargetProblem> problem;  // login, REPORT LUNS or the session failed
  std::vector<int> reported_luns;        // what REPORT LUNS listed (all device types)
  std::vector<LunFacts> luns;            // disk LUNs, in REPORT LUNS order
};

class TargetScanner {
 public:
  explicit TargetScanner(const IscsiConfig& config) : config_(config) {}

  Result<Discovery> discover(const Call& call) const;

  // Scans `targets`; with `only_lun`, probes that LUN alone (REPORT LUNS still runs).
  std::vector<TargetScan> scan(const Call& call, const std::vector<DiscoveredTarget>& targets,
                               std::optional<int> only_lun = std::nullopt) const;

 private:
  TargetScan scan_one(const Call& call, const DiscoveredTarget& target, std::optional<int> only_lun) const;

  const IscsiConfig& config_;  // borrowed from the driver, which outlives the scanner
};

}  // namespace snapmgr::iscsi
