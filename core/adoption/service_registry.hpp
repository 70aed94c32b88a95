// The service registry's rules, as Cinder's os-services applies them (docs/cinder-compatibility.md
// §2.13): which services a `host=` filter selects, and when a heartbeat means "up".
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string_view>

namespace snapmgr::core {

// Cinder's _filter_host on a service host ("<host>@<backend>"): an exact match, or — unless
// `value` names a pool ('#') — "<value>#…", or — unless it names a backend ('@') — "<value>@…".
// Matched literally and case-sensitively.
bool service_host_matches(std::string_view service_host, std::string_view value);

// Cinder's liveness: the heartbeat `updated_at` (Cinder's timestamp format) is at most
// `down_time` away from `now`, in either direction (a clock ahead of ours is not "down"). A
// timestamp that does not parse is down.
bool service_is_up(std::string_view updated_at, std::chrono::system_clock::time_point now,
                   std::chrono::seconds down_time);

}  // namespace snapmgr::core
