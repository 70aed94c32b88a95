// Where a request that needs a backend's driver runs (docs/api.md "Many nodes: the internal
// route"): on this node when it serves the backend, else on the node that does, found in the
// shared service registry. Several snapmgrd nodes share one PostgreSQL catalog; each serves its
// own backends, and a node that receives a listing or a manage request for another node's backend
// forwards it to that node's advertised URL (the API layer does the HTTP, core/api/forwarder.hpp).
//
// The rules are host_resolution.hpp's, applied to the registry's rows:
//   - `#pool` is dropped; "host@backend" names one service; a bare "host" names that host's
//     services (the owner picks the first itself); a cluster (or "<cluster>@<backend>") names its
//     members, and any up member serves it — this node's own up members first;
//   - a backend this node serves (or, for a bare host, a host it is) is always Local: the local
//     code gives today's answers, down and disabled included;
//   - a service of another node that is disabled, whose driver failed, or whose heartbeat is older
//     than service_down_time_s → BadRequest "Service is unavailable at this time." (logged);
//   - nothing matches → NotFound "Service cinder-volume could not be found on host <host>." (for a
//     cluster: "Service cinder-volume could not be found.").
// A request that was forwarded to this node is never forwarded again: when this node does not
// serve its backend after all (the registry changed), the answer is "Service is unavailable at
// this time.".
//
// Ownership: borrows the service (the registry reader) and the local backends; both outlive it.
// Thread-safety: const; the service is thread-safe and the backends are read-only.
#pragma once

#include <optional>
#include <string>

#include "core/adoption/manage_service.hpp"
#include "core/backends/backend_registry.hpp"
#include "core/common/service_error.hpp"

namespace snapmgr::core {

// The node a request is forwarded to.
struct RemoteOwner {
  std::string advertise_url;  // the owner's internal URL (its `advertise_url`)
  std::string service;        // the service addressed there, "<host>@<backend>" (or the bare host)
};

// nullopt: run it here.
using RequestRoute = std::optional<RemoteOwner>;

enum class Arrival { FromClient, Forwarded };

class RequestRouter {
 public:
  RequestRouter(ManageService& registry, const BackendRegistry& local) : registry_(registry), local_(local) {}

  // A listing's or a volume manage's `host` (or, when empty, `cluster`).
  ServiceResult<RequestRoute> for_target(const std::string& host, const std::string& cluster, Arrival arrival) const;
  // A catalog row's backend ("<host>@<backend>"): a snapshot manage (the parent volume's backend)
  // or an unmanage. For a row in a cluster (`cluster`: the volume's), any up member's backend of
  // that name serves it — this node's first, then the row's own service, then another member's.
  ServiceResult<RequestRoute> for_backend(const std::string& key, const std::string& cluster, Arrival arrival) const;

 private:
  ServiceResult<RequestRoute> remote_host(const std::string& host) const;
  ServiceResult<RequestRoute> remote_cluster(const std::string& cluster) const;

  ManageService& registry_;
  const BackendRegistry& local_;
};

}  // namespace snapmgr::core
