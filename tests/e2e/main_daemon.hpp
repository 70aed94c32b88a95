// The snapmgrd shared by the HTTP-level suites of `api_http_test`: started once for the whole
// executable (a gtest global environment), noauth, the shipped etc/policy.yaml, and fake
// backends that each serve one purpose so that tests do not disturb each other:
//
//   node1@fake1     volumes and snapshots the manage/unmanage tests adopt (cluster c1)
//   node1@list1     a fixed inventory for listing, paging and sorting (never adopted from)
//   node1@slow      adoption takes 3 s: rows stay `creating` long enough to be seen
//   node1@slowsnap  snapshot adoption takes 3 s (volume adoption is immediate)
//   node1@broken    volume adoption fails later ("disk on fire"), listing fails ("array offline")
//   node1@hang      listing outlasts the 5 s call deadline
//   node1@off       disabled
//   node1@snaponly  the discovery_only test driver: no adoption, no volume discovery
//   node1@meta      pool "gold"; a volume and a snapshot the metadata tests adopt
//
// Stopping it at the end checks a clean exit (status 0) after SIGTERM.
#pragma once

#include <string>

#include "api_client.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {

SnapmgrdProcess& main_daemon();
ApiClient admin_client();

// Adopts fake volume `name` on `host` (POST /v3/p1/manageable_volumes at 3.8) and returns its
// id; the test fails when the POST is not 202.
std::string adopt_volume(const std::string& host, const std::string& name);
// Polls GET /v3/p1/{volumes|snapshots}/<id> while the status is `creating`/`unmanaging`;
// returns the final status ("" when the row is gone: 404).
std::string wait_volume(const std::string& id);
std::string wait_snapshot(const std::string& id);

inline constexpr const char* kVolumeA = "volume-11111111-1111-1111-1111-111111111111";
inline constexpr const char* kVolumeB = "volume-22222222-2222-2222-2222-222222222222";

}  // namespace snapmgr::e2e
