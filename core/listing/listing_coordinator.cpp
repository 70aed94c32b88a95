#include "core/listing/listing_coordinator.hpp"

#include <condition_variable>
#include <exception>
#include <optional>
#include <string>

#include "core/backends/driver_call.hpp"
#include "core/backends/driver_errors.hpp"
#include "core/catalog/reference_scope.hpp"

namespace snapmgr::core {

template <class Record>
struct ListingCoordinator::Flight {
  using Outcome = ServiceResult<std::shared_ptr<const AggregatedListing<Record>>>;
  std::mutex mutex;
  std::condition_variable done_cv;
  std::uint64_t tickets = 0;  // requests seen so far
  bool running = false;
  std::uint64_t done_covers = 0;  // the last completed fetch serves tickets up to this one
  std::optional<Outcome> done;
  std::chrono::steady_clock::time_point done_started;  // when the last completed fetch began
  std::uint64_t done_generation = 0;                   // the catalog's generation at that time
};

namespace {

// Receives a driver's records and aggregates each into the listing as it arrives. Serialised,
// and closed once the driver's call returned: a record a misbehaving driver hands over later
// (from a thread it left running) is dropped instead of racing with the listing's readers.
template <class Record>
class ListingSink final : public snapmgr::RecordSink<Record> {
 public:
  explicit ListingSink(std::shared_ptr<const ManagedIndex> managed)
      : listing(std::make_shared<AggregatedListing<Record>>(std::move(managed))) {}

  void add(Record record) noexcept override {
    std::lock_guard lock(mutex_);
    if (closed_ || failure) return;
    try {
      listing->append(record);
    } catch (const std::exception& e) {
      failure = std::string("the listing could not be stored: ") + e.what();
    }
  }

  // After this, add() drops records; `listing` and `failure` are the outcome.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }

  std::shared_ptr<AggregatedListing<Record>> listing;
  std::optional<std::string> failure;

 private:
  std::mutex mutex_;
  bool closed_ = false;
};

}  // namespace

ListingCoordinator::ListingCoordinator(Catalog& catalog, std::chrono::seconds call_timeout,
                                       std::chrono::milliseconds max_age)
    : catalog_(catalog), call_timeout_(call_timeout), max_age_(max_age) {}
ListingCoordinator::~ListingCoordinator() = default;

template <class Record>
ListingCoordinator::Flight<Record>& ListingCoordinator::flight_for(const Backend& backend) {
  std::lock_guard lock(mutex_);
  if constexpr (std::is_same_v<Record, snapmgr::ManageableSnapshot>) {
    auto& slot = snapshot_flights_[backend.key];
    if (!slot) slot = std::make_unique<Flight<Record>>();
    return *slot;
  } else {
    auto& slot = volume_flights_[backend.key];
    if (!slot) slot = std::make_unique<Flight<Record>>();
    return *slot;
  }
}

ServiceResult<std::shared_ptr<const ManagedIndex>> ListingCoordinator::managed(ObjectKind kind,
                                                                               const std::string& scope) {
  const auto key = std::make_pair(static_cast<int>(kind), scope);
  const std::uint64_t generation = catalog_.generation();
  {
    std::lock_guard lock(mutex_);
    auto it = managed_cache_.find(key);
    if (generation % 2 == 0 && it != managed_cache_.end() && it->second.generation == generation) {
      return it->second.index;
    }
  }
  auto rows = catalog_.live_references(kind, scope);
  if (!rows.ok()) return rows.error();
  auto index = std::make_shared<const ManagedIndex>(kind, *rows);
  std::lock_guard lock(mutex_);
  if (generation % 2 == 0) managed_cache_[key] = CachedIndex{generation, index};  // odd: a write is under way
  return std::shared_ptr<const ManagedIndex>(index);
}

template <class Record>
ServiceResult<std::shared_ptr<const AggregatedListing<Record>>> ListingCoordinator::fetch(const Backend& backend,
                                                                                          const std::string& request_id,
                                                                                          CallGate::Ticket ticket) {
  constexpr bool kSnapshots = std::is_same_v<Record, snapmgr::ManageableSnapshot>;
  const std::string what = std::string(kSnapshots ? "listing snapshots" : "listing volumes") + " on " + backend.key;
  auto index = managed(ListingTraits<Record>::kKind, reference_scope(backend.key, backend.cluster));
  if (!index.ok()) return index.error();
  const snapmgr::Call call = call_within(call_timeout_, request_id);
  // Shared with the driver's thread, which call_with_deadline may abandon at the deadline.
  auto sink = std::make_shared<ListingSink<Record>>(*index);
  snapmgr::Status status;
  if constexpr (kSnapshots) {
    auto* discovery = backend.snapshot_discovery();
    status = call_with_deadline(call, what, std::move(ticket), [discovery, sink](const snapmgr::Call& c) {
      return discovery->stream_snapshots(c, *sink);
    });
  } else {
    auto* discovery = backend.volume_discovery();
    status = call_with_deadline(call, what, std::move(ticket), [discovery, sink](const snapmgr::Call& c) {
      return discovery->stream_volumes(c, *sink);
    });
  }
  sink->close();
  if (!status.ok()) return driver_fault(status.error(), what);
  if (sink->failure) return ServiceError{Fault::Internal, what + ": " + *sink->failure};
  return std::shared_ptr<const AggregatedListing<Record>>(std::move(sink->listing));
}

template <class Record>
ServiceResult<std::shared_ptr<const AggregatedListing<Record>>> ListingCoordinator::join(
    Flight<Record>& f, const Backend& backend, const std::string& request_id) {
  const auto deadline = std::chrono::steady_clock::now() + call_timeout_ + kDeadlineGrace;
  std::unique_lock lock(f.mutex);
  const std::uint64_t ticket = ++f.tickets;
  std::optional<CallGate::Ticket> place;  // in the backend's bulkhead, taken once this request must wait
  for (;;) {
    if (f.done && f.done_covers >= ticket) return *f.done;
    if (f.done && f.done->ok() && max_age_.count() > 0 && f.done_generation % 2 == 0 &&
        f.done_generation == catalog_.generation() && std::chrono::steady_clock::now() - f.done_started <= max_age_) {
      return *f.done;
    }
    if (!place) {
      place = backend.gate->try_enter();
      if (!place) return backend_busy(backend);
    }
    if (!f.running) {
      f.running = true;
      const std::uint64_t covers = f.tickets;  // every request seen so far arrived before this fetch
      // Read before the fetch reads the catalog: a change made meanwhile makes this listing old.
      const std::uint64_t generation = catalog_.generation();
      const auto started = std::chrono::steady_clock::now();
      // The last listing is too old for anyone arriving from now on: let it go before the new
      // one is built, so two large listings are not held at once (requests still waiting for it
      // find it gone and take this fetch's, which is fresher).
      f.done.reset();
      lock.unlock();
      auto outcome = fetch<Record>(backend, request_id, std::move(*place));
      place.reset();
      lock.lock();
      f.done = outcome;
      f.done_covers = covers;
      f.done_started = started;
      f.done_generation = generation;
      f.running = false;
      f.done_cv.notify_all();
      return outcome;
    }
    if (f.done_cv.wait_until(lock, deadline) == std::cv_status::timeout) {
      return ServiceError{Fault::Timeout, "listing on " + backend.key + " did not complete before its deadline"};
    }
  }
}

ServiceResult<std::shared_ptr<const SnapshotListing>> ListingCoordinator::snapshots(const Backend& backend,
                                                                                    const std::string& request_id) {
  if (!backend.snapshot_discovery()) {
    return ServiceError{Fault::NotImplemented, "Backend " + backend.key + " (driver " + backend.driver_name +
                                                   ") does not support listing manageable snapshots."};
  }
  return join(flight_for<snapmgr::ManageableSnapshot>(backend), backend, request_id);
}

ServiceResult<std::shared_ptr<const VolumeListing>> ListingCoordinator::volumes(const Backend& backend,
                                                                                const std::string& request_id) {
  if (!backend.volume_discovery()) {
    return ServiceError{Fault::NotImplemented, "Backend " + backend.key + " (driver " + backend.driver_name +
                                                   ") does not support listing manageable volumes."};
  }
  return join(flight_for<snapmgr::ManageableVolume>(backend), backend, request_id);
}

}  // namespace snapmgr::core
