// A backend's manageable objects as the API lists them: the driver's raw records aggregated
// once — size rounded up to whole GiB, `safe_to_manage`/`reason_not_safe`/`cinder_id` decided in
// the order of docs/cinder-compatibility.md §2.5 (already managed, then in use, then the
// driver's reason, else safe) — then sorted and paged per request with Cinder's
// paginate_entries_list semantics (docs/cinder-compatibility.md §2.4):
//   - sort keys `reference` (compared by the smallest of its values) and `size`, each asc or
//     desc, ties falling through to the next key and finally to the driver's order (stable);
//   - the marker is a JSON reference compared with the whole reference; the page starts after
//     the first entry (in sorted order) equal to it; offset applies after the marker;
//   - errors: "marker <m> can not be analysed, please use json like format" and
//     "marker not found: <m>" (the first m as the caller sent it, the second Python's str() of
//     the decoded marker, as Cinder prints it; no traceback).
//
// Records are aggregated as they arrive and kept in compact form (record_store.hpp): a listing
// of 100,000 snapshots holds about 235 bytes per record instead of the driver's ~460.
// A sorted order is computed once per sort specification and shared by every request that pages
// through the same listing. Built by one thread (append); then immutable apart from that memo
// and thread-safe to read.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/common/service_error.hpp"
#include "core/listing/listing_types.hpp"
#include "core/listing/managed_index.hpp"
#include "core/listing/pooled_array.hpp"
#include "core/listing/record_store.hpp"
#include "snapmgr/records.hpp"

namespace snapmgr::core {

template <class Record>
struct ListingTraits;

template <>
struct ListingTraits<snapmgr::ManageableSnapshot> {
  using Entry = SnapshotListingEntry;
  static constexpr ObjectKind kKind = ObjectKind::Snapshot;
  static constexpr const char* kInUse = "snapshot in use";
};

template <>
struct ListingTraits<snapmgr::ManageableVolume> {
  using Entry = VolumeListingEntry;
  static constexpr ObjectKind kKind = ObjectKind::Volume;
  static constexpr const char* kInUse = "volume in use";
};

// Whole GiB, rounded up (Cinder rounds manageable sizes up).
constexpr std::int64_t round_up_to_gib(std::uint64_t bytes) {
  return static_cast<std::int64_t>((bytes >> 30) + ((bytes & ((1ULL << 30) - 1)) != 0));
}

template <class Record>
class AggregatedListing {
 public:
  using Entry = typename ListingTraits<Record>::Entry;

  // An empty listing; `append` aggregates records against what the catalog manages.
  explicit AggregatedListing(std::shared_ptr<const ManagedIndex> managed);
  // A listing of `records`.
  AggregatedListing(const std::vector<Record>& records, std::shared_ptr<const ManagedIndex> managed);
  // The concatenation of several backends' listings (a cluster), in the given order.
  explicit AggregatedListing(std::vector<std::shared_ptr<const AggregatedListing>> parts);

  // Adds one record, in the driver's order (building only: before the listing is shared).
  void append(const Record& record);

  ServiceResult<std::vector<Entry>> page(const ListingQuery& query) const;
  std::size_t size() const { return items_.size(); }

 private:
  struct Item {
    std::int64_t size_gib;
    std::uint64_t sort_prefix;          // sort_reference's first 8 bytes, big endian
    std::string_view reference;         // packed (record_store.hpp)
    std::string_view sort_reference;    // the smallest value of the reference
    const std::string* reason;          // null when safe to manage
    const std::string* cinder_id;       // null when not managed
    std::string_view source_reference;  // packed; empty for volumes
    std::string_view extra_info;        // packed; empty when the driver gave none
  };
  using Order = std::vector<std::uint32_t>;

  std::shared_ptr<const Order> sorted(const std::vector<SortKey>& keys) const;
  Order size_order(bool ascending) const;
  Entry to_entry(const Item& item) const;

  RecordStore store_;
  std::shared_ptr<const ManagedIndex> managed_;
  std::vector<std::shared_ptr<const AggregatedListing>> parts_;
  PooledArray<Item> items_;
  // Sorted orders by sort specification; the first request to ask computes one, concurrent
  // requests for the same specification wait for it instead of sorting again.
  mutable std::mutex sorted_mutex_;
  mutable std::vector<std::pair<std::string, std::shared_future<std::shared_ptr<const Order>>>> sorted_;
};

using SnapshotListing = AggregatedListing<snapmgr::ManageableSnapshot>;
using VolumeListing = AggregatedListing<snapmgr::ManageableVolume>;

}  // namespace snapmgr::core
