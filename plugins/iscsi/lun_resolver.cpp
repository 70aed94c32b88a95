#include "lun_resolver.hpp"

#include <algorithm>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string portals_text(const IscsiConfig& config) {
  return (config.portals.size() == 1 ? "portal " : "portals ") + joined(config.portals);
}

// Why a negative answer may be incomplete: portals or targets that could not be asked.
std::string unsearched(const Discovery& discovery, const std::vector<TargetScan>& scans) {
  std::vector<std::string> causes;
  for (const auto& f : discovery.failures) causes.push_back(f.message());
  for (const auto& s : scans) {
    if (s.problem) causes.push_back(s.problem->message);
  }
  return joined(causes);
}

Error scan_error(const TargetScan& scan, const std::string& what) {
  return Error(scan.problem->code, what + ": " + scan.problem->message);
}

Error deadline_passed(const std::string& what) {
  return Error::timeout(what + ": the call's deadline passed while the backend was being asked");
}

std::string lun_list(const std::vector<int>& luns) {
  std::vector<std::string> items;
  for (int l : luns) items.push_back(std::to_string(l));
  return items.empty() ? "none" : joined(items);
}

}  // namespace

std::string LunResolver::kind_mismatch(const std::string& iqn, const TargetClass& found, TargetKind expected) const {
  switch (found.kind) {
    case TargetKind::Snapshot:
      return "target " + iqn + " is a snapshot target (snapshot_target_pattern '" + config_.snapshot_pattern.source() +
             "' matches it), not a " + to_string(expected) + " target";
    case TargetKind::Volume:
      return "target " + iqn + " is a volume target (volume_target_pattern '" + config_.volume_pattern.source() +
             "'), not a " + to_string(expected) + " target";
    case TargetKind::Ignored: break;
  }
  return "target " + iqn + " matches neither snapshot_target_pattern '" + config_.snapshot_pattern.source() +
         "' nor volume_target_pattern '" + config_.volume_pattern.source() + "'";
}

Result<LocatedLun> LunResolver::locate(const Call& call, const LunLocator& locator, TargetKind expected,
                                       const std::string& what) const {
  if (locator.address) return locate_by_address(call, locator, expected, what);
  return locate_by_designator(call, *locator.designator, expected, what);
}

Result<LocatedLun> LunResolver::locate_volume(const Call& call, const VolumeLocator& locator,
                                              const std::string& what) const {
  if (locator.name) return locate_by_name(call, *locator.name, what);
  return locate(call, locator.lun, TargetKind::Volume, what);
}

Result<LocatedLun> LunResolver::locate_by_address(const Call& call, const LunLocator& locator, TargetKind expected,
                                                  const std::string& what) const {
  const LunAddress& address = *locator.address;
  auto discovery = scanner_.discover(call);
  if (!discovery) return Error(discovery.error().code(), what + ": " + discovery.error().message());
  auto it = std::find_if(discovery->targets.begin(), discovery->targets.end(),
                         [&](const DiscoveredTarget& t) { return same_iscsi_name(t.iqn, address.target); });
  if (it == discovery->targets.end()) {
    if (!discovery->failures.empty()) {
      return Error::backend(what + ": target " + address.target + " is not offered by the portals that answered, and " +
                            "others could not be asked: " + unsearched(*discovery, {}));
    }
    return Error::invalid_reference(what + ": target " + address.target + " is not offered by " +
                                    portals_text(config_) + " (deleted?)");
  }
  if (it->target_class.kind != expected) {
    return Error::invalid_reference(what + ": " + kind_mismatch(it->iqn, it->target_class, expected));
  }
  auto scans = scanner_.scan(call, {*it}, address.lun);
  if (call.expired()) return deadline_passed(what);
  const TargetScan& scan = scans.front();
  if (scan.problem) return scan_error(scan, what);
  if (scan.luns.empty()) {
    const bool reported = std::count(scan.reported_luns.begin(), scan.reported_luns.end(), address.lun) > 0;
    if (reported) {
      return Error::invalid_reference(what + ": LUN " + std::to_string(address.lun) + " of target " + it->iqn +
                                      " is not a disk (direct-access device)");
    }
    return Error::invalid_reference(what + ": target " + it->iqn + " has no LUN " + std::to_string(address.lun) +
                                    " (REPORT LUNS: " + lun_list(scan.reported_luns) + ")");
  }
  LocatedLun located{*it, scan.luns.front()};
  if (locator.designator && located.facts.designator != *locator.designator) {
    return Error::invalid_reference(what + ": LUN " + to_string(located.address()) + " now reports designator '" +
                                    located.facts.designator + "', not '" + *locator.designator +
                                    "': it is not the LUN the reference names (replaced?)");
  }
  return located;
}

Result<LocatedLun> LunResolver::locate_by_designator(const Call& call, const std::string& designator,
                                                     TargetKind expected, const std::string& what) const {
  auto discovery = scanner_.discover(call);
  if (!discovery) return Error(discovery.error().code(), what + ": " + discovery.error().message());
  std::vector<DiscoveredTarget> candidates;
  for (const auto& t : discovery->targets) {
    if (t.target_class.kind != TargetKind::Ignored) candidates.push_back(t);
  }
  auto scans = scanner_.scan(call, candidates);
  if (call.expired()) return deadline_passed(what);
  std::vector<LocatedLun> matches;
  for (const auto& scan : scans) {
    for (const auto& facts : scan.luns) {
      if (facts.designator == designator) matches.push_back({scan.target, facts});
    }
  }
  if (matches.size() > 1) {
    std::vector<std::string> names;
    for (const auto& m : matches) names.push_back(to_string(m.address()));
    return Error::invalid_reference(what + ": designator " + designator + " is reported by several LUNs (" +
                                    joined(names) + "); name one by source-name \"<target iqn>/<lun>\"");
  }
  if (matches.empty()) {
    const std::string missing = unsearched(*discovery, scans);
    if (!missing.empty()) {
      return Error::backend(what + ": no reachable LUN reports designator " + designator +
                            ", and some targets or portals could not be searched: " + missing);
    }
    return Error::invalid_reference(what + ": no LUN behind " + portals_text(config_) + " reports designator " +
                                    designator);
  }
  if (matches.front().target.target_class.kind != expected) {
    return Error::invalid_reference(
        what + ": designator " + designator + " belongs to LUN " + to_string(matches.front().address()) + ", but " +
        kind_mismatch(matches.front().target.iqn, matches.front().target.target_class, expected));
  }
  return matches.front();
}

Result<LocatedLun> LunResolver::locate_by_name(const Call& call, const std::string& name,
                                               const std::string& what) const {
  auto discovery = scanner_.discover(call);
  if (!discovery) return Error(discovery.error().code(), what + ": " + discovery.error().message());
  std::vector<DiscoveredTarget> named;
  for (const auto& t : discovery->targets) {
    if (t.target_class.kind == TargetKind::Volume && t.target_class.name == name) named.push_back(t);
  }
  if (named.empty()) {
    if (!discovery->failures.empty()) {
      return Error::backend(what + ": no volume target named " + quoted(name) +
                            " among the portals that answered, and " +
                            "others could not be asked: " + unsearched(*discovery, {}));
    }
    return Error::invalid_reference(what + ": no volume target behind " + portals_text(config_) + " is named " +
                                    quoted(name) + " (names come from volume_target_pattern '" +
                                    config_.volume_pattern.source() + "')");
  }
  if (named.size() > 1) {
    std::vector<std::string> iqns;
    for (const auto& t : named) iqns.push_back(t.iqn);
    return Error::invalid_reference(what + ": volume name " + quoted(name) + " is shared by targets " + joined(iqns) +
                                    "; name the LUN as \"<target iqn>/<lun>\"");
  }
  auto scans = scanner_.scan(call, named);
  if (call.expired()) return deadline_passed(what);
  const TargetScan& scan = scans.front();
  if (scan.problem) return scan_error(scan, what);
  if (scan.luns.size() != 1) {
    return Error::invalid_reference(what + ": volume target " + scan.target.iqn + " has " +
                                    std::to_string(scan.luns.size()) + " disk LUNs, so the name " + quoted(name) +
                                    " does not say which; name one as \"" + scan.target.iqn + "/<lun>\"");
  }
  return LocatedLun{scan.target, scan.luns.front()};
}

Result<std::string> LunResolver::volume_name(const Call& call, const VolumeLocator& locator,
                                             const std::string& what) const {
  if (locator.name) return *locator.name;
  if (locator.lun.address) {
    TargetClass found = classify_target(config_, locator.lun.address->target);
    if (found.kind != TargetKind::Volume) {
      return Error::invalid_reference(what + ": " +
                                      kind_mismatch(locator.lun.address->target, found, TargetKind::Volume));
    }
    return found.name;
  }
  auto located = locate_by_designator(call, *locator.lun.designator, TargetKind::Volume, what);
  if (!located) return located.error();
  return located->target.target_class.name;
}

}  // namespace snapmgr::iscsi
