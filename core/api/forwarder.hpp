// The HTTP client that relays a request to the node that owns its backend (request_routing.hpp
// decides which; internal_route.hpp says what is sent) and brings back the owner's answer:
// status, body and headers as the owner sent them (hop-by-hop headers excepted; the API adds its
// own request-id and version headers, which carry the same values).
//
// An owner that cannot be reached — the URL does not parse or is not http, the name does not
// resolve, the connection is refused or not made within `connect_timeout`, the answer does not
// come within `response_timeout` or is not HTTP — is Cinder's answer for a service that is down:
// 400 "Service is unavailable at this time.", with a log line naming the owner's URL and the
// cause (never the secret).
//
// Each call runs on its own io_context on the calling thread, with everything it touches owned by
// the call: nothing — thread, timer or handler — outlives it.
// Thread-safety: const; forward() may run on many threads at once.
#pragma once

#include <chrono>
#include <cstddef>

#include "core/adoption/request_routing.hpp"
#include "core/api/auth.hpp"
#include "core/api/faults.hpp"
#include "core/api/responses.hpp"
#include "core/config/internal_secret.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

struct ForwarderOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // The owner may wait on its driver for up to call_timeout_s: run_daemon sets that plus a margin.
  std::chrono::milliseconds response_timeout{70000};
  std::size_t response_limit = 64 * 1024 * 1024;  // a 1,000-entry detailed listing is well under 1 MiB
};

class Forwarder {
 public:
  Forwarder(InternalSecret secret, ForwarderOptions options) : secret_(std::move(secret)), options_(options) {}

  snapmgr::Result<HttpResponse, ApiError> forward(const RemoteOwner& owner, const HttpRequest& request,
                                                  const Identity& caller, const std::string& request_id) const;

 private:
  InternalSecret secret_;
  ForwarderOptions options_;
};

}  // namespace snapmgr::core::api
