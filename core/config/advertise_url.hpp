// The URL other snapmgrd hosts sharing the catalog use to reach this one (they forward to it the
// requests only a backend's owner can answer): the `advertise_url` key, or one derived from
// where the API actually listens.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/config/host_config.hpp"

namespace snapmgr::core {

// Why `text` cannot be an advertised URL, or nullopt when it can: an absolute http or https URL
// with a host, and no user info, query or fragment ("http://node1.example:8776").
std::optional<std::string> advertise_url_problem(const std::string& text);

// `config.advertise_url` when set; otherwise "http://<listen address>:<bound_port>" — the port
// actually bound (so `listen: ...:0` advertises the port it got), an IPv6 address in brackets,
// and for a wildcard address (0.0.0.0, ::), which no other node can connect to, the machine's
// hostname instead.
std::string advertised_url(const HostConfig& config, std::uint16_t bound_port);

}  // namespace snapmgr::core
