// Fetches backends' listings for the listing API: one driver call per backend and kind at a
// time, shared by every request that arrived before that call started (single flight), so a
// burst of N concurrent requests costs one driver call instead of N. The aggregation against
// the catalog (read at fetch time, after the request arrived) is done once per fetch and
// shared too, and so are its sorted orders.
//
// Reuse: a request may also receive the last successful listing when it started at most
// `max_age` ago and the catalog has not changed since (its generation is the same), so adoptions
// and unmanages always show at once — those made through another host sharing a PostgreSQL
// catalog once its notification arrived (postgres_catalog.hpp) — and only changes made on the
// backend by others can be up to `max_age` late. A listing fetched while a catalog write was
// under way (an odd generation) is never reused. With `max_age` 0 a request never receives a listing fetched before it
// arrived: it waits for the next driver call. Failures are never reused.
//
// Bulkhead: a request that has to wait on the driver — for its own fetch or another request's —
// holds a place in the backend's CallGate while it waits; when every place is taken it is
// refused at once (Fault::Unavailable) instead of taking a request worker. A reused listing
// needs no place.
//
// Thread-safety: all methods may run concurrently. A waiting request gives up at its deadline.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/backends/backend_registry.hpp"
#include "core/catalog/catalog.hpp"
#include "core/common/service_error.hpp"
#include "core/listing/aggregated_listing.hpp"

namespace snapmgr::core {

class ListingCoordinator {
 public:
  ListingCoordinator(Catalog& catalog, std::chrono::seconds call_timeout, std::chrono::milliseconds max_age);
  ~ListingCoordinator();

  // NotImplemented when the backend's driver cannot list that kind; driver faults otherwise.
  ServiceResult<std::shared_ptr<const SnapshotListing>> snapshots(const Backend& backend,
                                                                  const std::string& request_id);
  ServiceResult<std::shared_ptr<const VolumeListing>> volumes(const Backend& backend, const std::string& request_id);

 private:
  template <class Record>
  struct Flight;
  template <class Record>
  ServiceResult<std::shared_ptr<const AggregatedListing<Record>>> join(Flight<Record>& flight, const Backend& backend,
                                                                       const std::string& request_id);
  template <class Record>
  ServiceResult<std::shared_ptr<const AggregatedListing<Record>>> fetch(const Backend& backend,
                                                                        const std::string& request_id,
                                                                        CallGate::Ticket ticket);
  template <class Record>
  Flight<Record>& flight_for(const Backend& backend);
  // The managed rows of a reference scope (reference_scope.hpp), cached per catalog generation.
  ServiceResult<std::shared_ptr<const ManagedIndex>> managed(ObjectKind kind, const std::string& scope);

  Catalog& catalog_;
  std::chrono::seconds call_timeout_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;  // guards the maps below (not the flights' contents)
  std::map<std::string, std::unique_ptr<Flight<snapmgr::ManageableSnapshot>>> snapshot_flights_;
  std::map<std::string, std::unique_ptr<Flight<snapmgr::ManageableVolume>>> volume_flights_;
  struct CachedIndex {
    std::uint64_t generation;
    std::shared_ptr<const ManagedIndex> index;
  };
  std::map<std::pair<int, std::string>, CachedIndex> managed_cache_;
};

}  // namespace snapmgr::core
