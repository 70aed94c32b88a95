#include "target_scanner.hpp"

#include <algorithm>

#include "bounded_parallel.hpp"
#include "iscsi_names.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::iscsi {
namespace {

struct PortalAnswer {
  std::vector<std::string> names;
  std::optional<Error> error;
};

SessionLimits limits_for(const IscsiConfig& config, const Call& call) {
  return SessionLimits{call.deadline, config.command_timeout};
}

PortalAnswer ask_portal(const IscsiConfig& config, const Call& call, const std::string& portal) {
  auto found = guarded("SendTargets on portal " + portal, [&]() -> Result<std::vector<std::string>> {
    auto session = IscsiSession::create(config, limits_for(config, call));
    if (!session) return session.error();
    if (auto st = (*session)->login_discovery(portal); !st) return st.error();
    auto names = (*session)->send_targets();
    if (names) (*session)->logout();
    return names;
  });
  if (!found) return PortalAnswer{{}, found.error()};
  return PortalAnswer{std::move(*found), std::nullopt};
}

}  // namespace

Result<Discovery> TargetScanner::discover(const Call& call) const {
  std::vector<PortalAnswer> answers(config_.portals.size());
  for_each_bounded(config_.portals.size(), config_.max_parallel_logins,
                   [&](std::size_t i) { answers[i] = ask_portal(config_, call, config_.portals[i]); });
  Discovery discovery;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].error) {
      discovery.failures.push_back(*answers[i].error);
      continue;
    }
    for (const auto& iqn : answers[i].names) {
      const bool known = std::any_of(discovery.targets.begin(), discovery.targets.end(),
                                     [&](const DiscoveredTarget& t) { return same_iscsi_name(t.iqn, iqn); });
      if (!known) discovery.targets.push_back({iqn, config_.portals[i], classify_target(config_, iqn)});
    }
  }
  if (discovery.failures.size() == config_.portals.size()) {
    const bool all_timed_out = std::all_of(discovery.failures.begin(), discovery.failures.end(),
                                           [](const Error& e) { return e.code() == ErrorCode::Timeout; });
    std::string message = "no portal answered SendTargets: ";
    for (std::size_t i = 0; i < discovery.failures.size(); ++i) {
      message += (i ? "; " : "") + discovery.failures[i].message();
    }
    return all_timed_out ? Error::timeout(message) : Error::backend(message);
  }
  return discovery;
}

std::vector<TargetScan> TargetScanner::scan(const Call& call, const std::vector<DiscoveredTarget>& targets,
                                            std::optional<int> only_lun) const {
  std::vector<TargetScan> scans(targets.size());
  for_each_bounded(targets.size(), config_.max_parallel_logins,
                   [&](std::size_t i) { scans[i] = scan_one(call, targets[i], only_lun); });
  return scans;
}

TargetScan TargetScanner::scan_one(const Call& call, const DiscoveredTarget& target,
                                   std::optional<int> only_lun) const {
  TargetScan scan;
  scan.target = target;
  auto fail = [&scan](const Error& e) {
    scan.problem = TargetProblem{e.code(), e.message()};
    scan.luns.clear();
    return scan;
  };
  auto scanned = guarded("scanning target " + target.iqn + " on portal " + target.portal, [&]() -> Status {
    auto created = IscsiSession::create(config_, limits_for(config_, call));
    if (!created) return created.error();
    IscsiSession& session = **created;
    if (auto st = session.login(target.portal, target.iqn); !st) return st.error();
    auto luns = report_luns(session);
    if (!luns) return luns.error();
    scan.reported_luns = *luns;
    for (int lun : *luns) {
      if (only_lun && lun != *only_lun) continue;
      auto facts = probe_lun(session, lun);
      if (!facts) return facts.error();
      if (*facts) scan.luns.push_back(std::move(**facts));
    }
    session.logout();
    return Status::success();
  });
  if (!scanned) return fail(scanned.error());
  return scan;
}

}  // namespace snapmgr::iscsi
