// The reference scope of a catalog row: the set of backends across which one backend object can
// be managed only once (catalog.hpp, the unique live-reference guard). An unclustered backend is
// its own scope, "<host>@<backend>". The members of a cluster that serve a backend of one name
// reach the same storage (Cinder's active-active), so they share one scope,
// "cluster:<cluster>@<backend name>": an object adopted through one member is already managed
// for every other. A snapshot is in its volume's scope (its backend, in its volume's cluster).
//
// The catalogs store the scope with each row (migration 6) and compute it with the same rule in
// SQL for rows written before it.
#pragma once

#include <string>

namespace snapmgr::core {

inline std::string reference_scope(const std::string& backend, const std::string& cluster) {
  if (cluster.empty()) return backend;
  return "cluster:" + cluster + "@" + backend.substr(backend.find('@') + 1);
}

}  // namespace snapmgr::core
