// Cinder's API microversions (docs/cinder-compatibility.md §1.2): the request's version comes from
// `OpenStack-API-Version: volume X.Y` (or, when that header names no `volume` version, the
// legacy `X-OpenStack-Volume-API-Version: X.Y`); "latest" means the maximum. No header means
// 3.0. Only /v3 URLs read the headers (Cinder checks for "v3" in the URL); the version document
// at `/` is always served at 3.0.
//
// Errors: a string that is not MajorNum.MinorNum → 400 "API Version String <s> is of invalid
// format. Must be of format MajorNum.MinorNum."; a version outside [3.0, 3.70] → 406 "Version
// <v> is not supported by the API. Minimum is 3.0 and maximum is 3.70."
//
// Thread-safety: pure functions over values.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/faults.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

struct ApiVersion {
  int major = 3;
  int minor = 0;

  friend auto operator<=>(const ApiVersion&, const ApiVersion&) = default;
  std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
};

inline constexpr ApiVersion kMinVersion{3, 0};
inline constexpr ApiVersion kMaxVersion{3, 70};             // Cinder Zed (2023.1 clients negotiate it)
inline constexpr ApiVersion kClusterSupport{3, 7};          // os-services: cluster
inline constexpr ApiVersion kManageExistingList{3, 8};      // /manageable_* resources
inline constexpr ApiVersion kVolumeMigrateCluster{3, 16};   // `cluster` in POST manageable_volumes
inline constexpr ApiVersion kManageExistingCluster{3, 17};  // `cluster` in manageable listings
inline constexpr ApiVersion kGroupSnapshots{3, 14};         // snapshot view: group_snapshot_id
inline constexpr ApiVersion kSnapshotUserId{3, 41};         // snapshot view: user_id
inline constexpr ApiVersion kBackendStateReport{3, 49};     // os-services: backend_state
inline constexpr ApiVersion kConsumesQuota{3, 65};          // views: consumes_quota

inline constexpr std::string_view kVersionHeader = "OpenStack-API-Version";
inline constexpr std::string_view kLegacyVersionHeader = "X-OpenStack-Volume-API-Version";

// Parses "X.Y" (Cinder's ^([1-9]\d*)\.([1-9]\d*|0)$), without the range check.
snapmgr::Result<ApiVersion, ApiError> parse_version_string(std::string_view text);

// The version a /v3 request asks for. `standard` holds every OpenStack-API-Version header value
// (repeated headers count as one comma-joined list), `legacy` every legacy header value.
snapmgr::Result<ApiVersion, ApiError> requested_version(const std::vector<std::string_view>& standard,
                                                        const std::vector<std::string_view>& legacy);

// "volume 3.8", the value of the OpenStack-API-Version response header.
std::string version_header_value(const ApiVersion& version);

}  // namespace snapmgr::core::api
