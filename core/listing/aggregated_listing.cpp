#include "core/listing/aggregated_listing.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include <boost/json.hpp>

#include "core/common/echoed.hpp"
#include "core/python_compat/python_repr.hpp"

namespace snapmgr::core {
namespace {

const std::string kAlreadyManaged = "already managed";

template <class Record>
const std::string& in_use_reason() {
  static const std::string reason = ListingTraits<Record>::kInUse;
  return reason;
}

// The first 8 bytes of `s` (zero-padded), big endian: comparing two prefixes orders like
// comparing the strings' starts, so sorting compares whole strings only when the starts are equal.
std::uint64_t prefix_of(std::string_view s) {
  std::uint64_t prefix = 0;
  for (std::size_t b = 0; b < 8; ++b) prefix = (prefix << 8) | (b < s.size() ? static_cast<unsigned char>(s[b]) : 0u);
  return prefix;
}

std::string sort_key_text(const std::vector<SortKey>& keys) {
  std::string s;
  for (const auto& k : keys) {
    s += k.field == SortField::Size ? 's' : 'r';
    s += k.ascending ? '+' : '-';
  }
  return s;
}

// The marker as Cinder prints it in "marker not found: %s": Python's str() of the decoded JSON
// value — a string without quotes, null as None, an object as {'k': 'v'}.
std::string marker_text(const std::string& marker) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(marker, ec);
  if (ec) return echoed(marker);
  if (value.is_double()) {
    // An integer too large for 64 bits: Python keeps it exact, Boost.JSON made it a double.
    const auto first = marker.find_first_not_of(" \t\r\n");
    const auto last = marker.find_last_not_of(" \t\r\n");
    const std::string digits = marker.substr(first, last - first + 1);
    const bool integer = digits.find_first_not_of("-0123456789") == std::string::npos;
    if (integer) return echoed(digits);
  }
  return echoed(python_compat::python_str(value));
}

// The marker as a reference; nullopt when it parses but cannot equal any reference.
ServiceResult<std::optional<snapmgr::StringMap>> parse_marker(const std::string& marker) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(marker, ec);
  if (ec) {
    return ServiceError{Fault::InvalidInput,
                        "marker " + echoed(marker) + " can not be analysed, please use json like format"};
  }
  if (!value.is_object()) return std::optional<snapmgr::StringMap>{};
  snapmgr::StringMap reference;
  for (const auto& [key, v] : value.as_object()) {
    if (!v.is_string()) return std::optional<snapmgr::StringMap>{};
    reference.set(std::string(key), std::string(v.as_string()));
  }
  return std::optional<snapmgr::StringMap>(std::move(reference));
}

}  // namespace

template <class Record>
AggregatedListing<Record>::AggregatedListing(std::shared_ptr<const ManagedIndex> managed)
    : managed_(std::move(managed)) {}

template <class Record>
AggregatedListing<Record>::AggregatedListing(const std::vector<Record>& records,
                                             std::shared_ptr<const ManagedIndex> managed)
    : managed_(std::move(managed)) {
  for (const Record& r : records) append(r);
}

template <class Record>
void AggregatedListing<Record>::append(const Record& r) {
  if (items_.size() == UINT32_MAX) throw std::length_error("a listing holds at most 2^32-1 records");
  Item item{};
  item.size_gib = round_up_to_gib(r.size_bytes);
  item.reference = store_.pack(r.reference);
  item.sort_reference = smallest_packed_value(item.reference);
  item.sort_prefix = prefix_of(item.sort_reference);
  if (managed_) item.cinder_id = managed_->find_packed(item.reference);
  if (item.cinder_id)
    item.reason = &kAlreadyManaged;
  else if (r.in_use)
    item.reason = &in_use_reason<Record>();
  else if (r.reason)
    item.reason = store_.intern(*r.reason);
  if constexpr (std::is_same_v<Record, snapmgr::ManageableSnapshot>)
    item.source_reference = store_.pack(r.source_reference);
  item.extra_info = store_.pack(r.extra_info);
  items_.push_back(item);
}

template <class Record>
AggregatedListing<Record>::AggregatedListing(std::vector<std::shared_ptr<const AggregatedListing>> parts)
    : parts_(std::move(parts)) {
  std::size_t total = 0;
  for (const auto& p : parts_) total += p->items_.size();
  if (total > UINT32_MAX) throw std::length_error("a listing holds at most 2^32-1 records");
  for (const auto& p : parts_)
    for (std::size_t i = 0; i < p->items_.size(); ++i) items_.push_back(p->items_[i]);
}

// Sizes are small integers with many ties, so a stable LSD radix sort (one pass per byte that
// varies) beats a comparison sort several times over; stability keeps ties in the driver's order.
template <class Record>
typename AggregatedListing<Record>::Order AggregatedListing<Record>::size_order(bool ascending) const {
  const std::size_t n = items_.size();
  std::vector<std::uint64_t> key(n);
  std::uint64_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, static_cast<std::uint64_t>(items_[i].size_gib));
  for (std::size_t i = 0; i < n; ++i) {
    const auto size = static_cast<std::uint64_t>(items_[i].size_gib);
    key[i] = ascending ? size : largest - size;
  }
  Order order(n), spare(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  for (unsigned shift = 0; shift < 64 && (largest >> shift) != 0; shift += 8) {
    std::array<std::size_t, 257> start{};
    for (std::uint32_t i : order) ++start[((key[i] >> shift) & 0xff) + 1];
    for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    for (std::uint32_t i : order) spare[start[(key[i] >> shift) & 0xff]++] = i;
    order.swap(spare);
  }
  return order;
}

template <class Record>
std::shared_ptr<const typename AggregatedListing<Record>::Order> AggregatedListing<Record>::sorted(
    const std::vector<SortKey>& keys) const {
  const std::string spec = sort_key_text(keys);
  std::promise<std::shared_ptr<const Order>> promise;
  {
    std::lock_guard lock(sorted_mutex_);
    for (const auto& [s, order] : sorted_)
      if (s == spec) return order.get();  // computed, or being computed by another request
    if (sorted_.size() >= 8) sorted_.erase(sorted_.begin());
    sorted_.emplace_back(spec, promise.get_future().share());
  }
  if (keys.size() == 1 && keys[0].field == SortField::Size) {
    auto order = std::make_shared<Order>(size_order(keys[0].ascending));
    promise.set_value(order);
    return order;
  }
  // Compact keys, contiguous in memory, so the sort touches neither the items nor the strings
  // (unless two references start alike).
  struct Key {
    std::int64_t size;
    std::uint64_t prefix;
    std::uint32_t index;
  };
  std::vector<Key> sort_keys(items_.size());
  for (std::uint32_t i = 0; i < sort_keys.size(); ++i) {
    sort_keys[i] = Key{items_[i].size_gib, items_[i].sort_prefix, i};
  }
  const auto& items = items_;
  std::sort(sort_keys.begin(), sort_keys.end(), [&](const Key& x, const Key& y) {
    for (const SortKey& key : keys) {
      int c = 0;
      if (key.field == SortField::Size) {
        c = x.size < y.size ? -1 : (x.size > y.size ? 1 : 0);
      } else if (x.prefix != y.prefix) {
        c = x.prefix < y.prefix ? -1 : 1;
      } else {
        c = items[x.index].sort_reference.compare(items[y.index].sort_reference);
      }
      if (c != 0) return key.ascending ? c < 0 : c > 0;
    }
    return x.index < y.index;  // stable: the driver's order
  });
  auto order = std::make_shared<Order>(sort_keys.size());
  for (std::size_t i = 0; i < sort_keys.size(); ++i) (*order)[i] = sort_keys[i].index;
  promise.set_value(order);
  return order;
}

template <class Record>
ServiceResult<std::vector<typename AggregatedListing<Record>::Entry>> AggregatedListing<Record>::page(
    const ListingQuery& query) const {
  std::vector<SortKey> keys = query.sort.empty() ? std::vector<SortKey>{SortKey{}} : query.sort;
  std::optional<snapmgr::StringMap> marker;
  const bool has_marker = query.marker && !query.marker->empty();  // Cinder: only a truthy marker
  if (has_marker) {
    auto parsed = parse_marker(*query.marker);
    if (!parsed.ok()) return parsed.error();
    marker = std::move(*parsed);
  }
  std::vector<Entry> out;
  if (query.limit == 0 && !has_marker) return out;
  auto order = sorted(keys);
  std::size_t start = 0;
  if (has_marker) {
    // The items equal to the marker, found by a sequential scan that compares whole references
    // only where the sort prefixes agree (equal references have equal prefixes); then the first
    // of them in sorted order.
    std::vector<std::uint32_t> equal;
    if (marker) {
      const std::string packed = pack_map(*marker);
      const std::uint64_t prefix = prefix_of(smallest_packed_value(packed));
      for (std::uint32_t i = 0; i < items_.size(); ++i) {
        if (items_[i].sort_prefix == prefix && items_[i].reference == packed) equal.push_back(i);
      }
    }
    if (equal.empty()) return ServiceError{Fault::InvalidInput, "marker not found: " + marker_text(*query.marker)};
    for (std::size_t i = 0; i < order->size(); ++i) {
      if (std::find(equal.begin(), equal.end(), (*order)[i]) != equal.end()) {
        start = i + 1;
        break;
      }
    }
  }
  const std::size_t n = order->size();
  const std::size_t begin = query.offset >= n - std::min(n, start) ? n : start + query.offset;
  const std::size_t end = std::min(n, begin + std::min(query.limit, n - begin));
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) out.push_back(to_entry(items_[(*order)[i]]));
  return out;
}

template <>
SnapshotListingEntry AggregatedListing<snapmgr::ManageableSnapshot>::to_entry(const Item& item) const {
  SnapshotListingEntry e;
  e.reference = unpack_map(item.reference);
  e.size = item.size_gib;
  e.safe_to_manage = item.reason == nullptr;
  if (item.reason) e.reason_not_safe = *item.reason;
  if (!item.extra_info.empty()) e.extra_info = unpack_map(item.extra_info);
  if (item.cinder_id) e.cinder_id = *item.cinder_id;
  e.source_reference = unpack_map(item.source_reference);
  return e;
}

template <>
VolumeListingEntry AggregatedListing<snapmgr::ManageableVolume>::to_entry(const Item& item) const {
  VolumeListingEntry e;
  e.reference = unpack_map(item.reference);
  e.size = item.size_gib;
  e.safe_to_manage = item.reason == nullptr;
  if (item.reason) e.reason_not_safe = *item.reason;
  if (item.cinder_id) e.cinder_id = *item.cinder_id;
  if (!item.extra_info.empty()) e.extra_info = unpack_map(item.extra_info);
  return e;
}

template class AggregatedListing<snapmgr::ManageableSnapshot>;
template class AggregatedListing<snapmgr::ManageableVolume>;

}  // namespace snapmgr::core
