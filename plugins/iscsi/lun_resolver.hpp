// From a parsed reference to the LUN it names, checked against the backend as it is now.
//
// By address ("<iqn>/<lun>"): discovery must offer the target, the target must be of the expected
// kind (snapshot or volume target, target_naming.hpp), REPORT LUNS must list the LUN and it must
// be a disk; when the reference also carries a source-id, the LUN's designator must equal it —
// that is how adoption notices that the LUN at an address is no longer the one that was listed.
// By designator alone: every snapshot and volume target is scanned and the one LUN reporting it
// is taken (two LUNs with one designator is an error: name the LUN by address instead).
// By volume name (volume references only): the one volume target with that name, and its only
// disk LUN.
//
// Errors: InvalidReference when the backend answered and the reference names nothing suitable
// (target gone, LUN gone, wrong kind, designator mismatch); Timeout/BackendError when the target
// or portal could not be asked (the message says which and why) — including "not found" answers
// that may only be due to an unreachable portal or target.
//
// Thread-safety: const; safe to use concurrently.
#pragma once

#include <string>

#include "lun_reference.hpp"
#include "target_scanner.hpp"

namespace snapmgr::iscsi {

struct LocatedLun {
  DiscoveredTarget target;
  LunFacts facts;
  LunAddress address() const { return {target.iqn, facts.lun}; }
};

class LunResolver {
 public:
  LunResolver(const IscsiConfig& config, const TargetScanner& scanner) : config_(config), scanner_(scanner) {}

  // `what` names the reference in messages ("snapshot reference {...}").
  Result<LocatedLun> locate(const Call& call, const LunLocator& locator, TargetKind expected,
                            const std::string& what) const;
  Result<LocatedLun> locate_volume(const Call& call, const VolumeLocator& locator, const std::string& what) const;

  // The name of the volume `locator` identifies, for the snapshot origin check. A bare name is
  // taken as it is and an address is named from its IQN (no backend access); a designator alone
  // is looked up on the backend.
  Result<std::string> volume_name(const Call& call, const VolumeLocator& locator, const std::string& what) const;

 private:
  Result<LocatedLun> locate_by_address(const Call& call, const LunLocator& locator, TargetKind expected,
                                       const std::string& what) const;
  Result<LocatedLun> locate_by_designator(const Call& call, const std::string& designator, TargetKind expected,
                                          const std::string& what) const;
  Result<LocatedLun> locate_by_name(const Call& call, const std::string& name, const std::string& what) const;
  std::string kind_mismatch(const std::string& iqn, const TargetClass& found, TargetKind expected) const;

  const IscsiConfig& config_;
  const TargetScanner& scanner_;
};

}  // namespace snapmgr::iscsi
