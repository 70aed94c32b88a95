// API policy: Cinder's rule names with oslo.policy-style check strings (etc/policy.yaml).
//
// The file is a YAML map rule name → check string. Grammar:
//   expr  := and ("or" and)*
//   and   := atom ("and" atom)*
//   atom  := "(" expr ")" | "rule:<name>" | "role:<role>" | "is_admin:True" | "is_admin:False"
//          | "@" (anyone) | "!" (nobody)
// and an empty check string means anyone, as in oslo.policy. Anything else — an unknown check
// kind, a dangling operator, a `rule:` naming an undefined rule, a cycle of rules — is a
// start-up error naming the file, line and rule.
//
// Rules the file does not define keep their built-in defaults, and without a file only the
// defaults apply: "admin_api" is "is_admin:True or role:admin" and every API rule
// (snapshot_extension:*, volume_extension:*, os-services' volume_extension:services:index) is
// "rule:admin_api" — admin only. The metadata
// rules (volume:*_metadata) default to Cinder 2023.1's persona rules: reading needs
// "xena_system_admin_or_project_reader", writing "xena_system_admin_or_project_member". Cinder
// adds "project_id:%(project_id)s" to the project half; here the endpoint has already answered
// 404 for another project's row (as Cinder's project-scoped lookups do), so only the roles are
// checked — and, Keystone's implied roles being absent, member and admin also count as reader.
//
// Thread-safety: immutable after load; allowed() may run on many threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/api/auth.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

inline constexpr std::string_view kListManageableSnapshots = "snapshot_extension:list_manageable";
inline constexpr std::string_view kManageSnapshot = "snapshot_extension:snapshot_manage";
inline constexpr std::string_view kUnmanageSnapshot = "snapshot_extension:snapshot_unmanage";
inline constexpr std::string_view kListManageableVolumes = "volume_extension:list_manageable";
inline constexpr std::string_view kManageVolume = "volume_extension:volume_manage";
inline constexpr std::string_view kUnmanageVolume = "volume_extension:volume_unmanage";
inline constexpr std::string_view kListServices = "volume_extension:services:index";
inline constexpr std::string_view kGetSnapshotMetadata = "volume:get_snapshot_metadata";
inline constexpr std::string_view kUpdateSnapshotMetadata = "volume:update_snapshot_metadata";
inline constexpr std::string_view kDeleteSnapshotMetadata = "volume:delete_snapshot_metadata";
inline constexpr std::string_view kGetVolumeMetadata = "volume:get_volume_metadata";
inline constexpr std::string_view kCreateVolumeMetadata = "volume:create_volume_metadata";
inline constexpr std::string_view kUpdateVolumeMetadata = "volume:update_volume_metadata";
inline constexpr std::string_view kDeleteVolumeMetadata = "volume:delete_volume_metadata";

class Policy {
 public:
  struct Check;  // a parsed check expression

  // Built-in defaults only.
  static Policy defaults();
  // `path` empty: defaults. Errors are start-up messages ("<file>:<line>: rule '<name>': ...").
  static snapmgr::Result<Policy, std::string> load(const std::string& path);
  static snapmgr::Result<Policy, std::string> parse(const std::string& yaml_text, const std::string& file);

  // Whether `caller` passes rule `name`. An unknown rule name denies.
  bool allowed(std::string_view name, const Identity& caller) const;

 private:
  std::map<std::string, std::shared_ptr<const Check>, std::less<>> rules_;
};

}  // namespace snapmgr::core::api
