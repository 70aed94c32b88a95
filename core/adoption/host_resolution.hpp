// Which backend(s) a request addresses (docs/cinder-compatibility.md §2.2, §6.9), with Cinder's answers:
//   - `#pool` is dropped; "host@backend" must match a backend exactly; a bare "host" matches
//     that host's backends and picks the first (Cinder uses the first service row);
//   - a cluster matches every backend whose `cluster` equals it, or "<cluster>@<backend>"
//     matches that one backend; the up members are used (disabled/down ones are skipped with a
//     log line) and if none is up the answer is "unavailable";
//   - nothing matches → NotFound "Service cinder-volume could not be found on host <host>."
//     (for a cluster: "Service cinder-volume could not be found.");
//   - the backend is disabled or down → BadRequest "Service is unavailable at this time."
#pragma once

#include <string>
#include <vector>

#include "core/backends/backend_registry.hpp"
#include "core/common/service_error.hpp"

namespace snapmgr::core {

// The backends a listing covers (host, or else cluster), all up.
ServiceResult<std::vector<const Backend*>> resolve_listing_backends(const BackendRegistry& registry,
                                                                    const std::string& host,
                                                                    const std::string& cluster);

// The one backend a "host@backend[#pool]" (or bare host) names, up.
ServiceResult<const Backend*> resolve_backend(const BackendRegistry& registry, const std::string& host);

// One backend: by host as resolve_backend, or else the first up member of the cluster.
ServiceResult<const Backend*> resolve_one_backend(const BackendRegistry& registry, const std::string& host,
                                                  const std::string& cluster);

// The backend a catalog row lives on ("<host>@<backend>"), up. For a row in a cluster (`cluster`
// not empty), when that backend is not here or not up, this node's up backend of the same name in
// that cluster serves it (Cinder's active-active).
ServiceResult<const Backend*> backend_of_row(const BackendRegistry& registry, const std::string& key,
                                             const std::string& cluster = "");

// This node's up backend of `key`'s name in `cluster`, or nullptr (and for an empty cluster).
const Backend* up_cluster_member(const BackendRegistry& registry, const std::string& cluster, const std::string& key);

extern const char* const kServiceUnavailable;  // "Service is unavailable at this time."

}  // namespace snapmgr::core
