#include "core/service/aggregated_listing.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace snapmgr::core {
namespace {

const std::string kAlreadyManaged = "already managed";
const std::string kEmpty;

template <class Record>
const std::string& in_use_reason() {
  static const std::string reason = ListingTraits<Record>::kInUse;
  return reason;
}

const std::string* smallest_value(const snapmgr::StringMap& reference) {
  const std::string* smallest = nullptr;
  for (const auto& [key, value] : reference)
    if (!smallest || value < *smallest) smallest = &value;
  return smallest ? smallest : &kEmpty;
}

std::string sort_key_text(const std::vector<SortKey>& keys) {
  std::string s;
  for (const auto& k : keys) {
    s += k.field == SortField::Size ? 's' : 'r';
    s += k.ascending ? '+' : '-';
  }
  return s;
}

// The marker as a reference; nullopt when it parses but cannot equal any reference.
ServiceResult<std::optional<snapmgr::StringMap>> parse_marker(const std::string& marker) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(marker, ec);
  if (ec) {
    return ServiceError{Fault::InvalidInput,
                        "marker " + marker + " can not be analysed, please use json like format"};
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
AggregatedListing<Record>::AggregatedListing(std::vector<Record> records, std::shared_ptr<const ManagedIndex> managed)
    : records_(std::move(records)), managed_(std::move(managed)) {
  items_.reserve(records_.size());
  for (const Record& r : records_) {
    Item item{&r, round_up_to_gib(r.size_bytes), smallest_value(r.reference), nullptr, nullptr};
    if (managed_) item.cinder_id = managed_->find(r.reference);
    if (item.cinder_id) item.reason = &kAlreadyManaged;
    else if (r.in_use) item.reason = &in_use_reason<Record>();
    else if (r.reason) item.reason = &*r.reason;
    items_.push_back(item);
  }
}

template <class Record>
AggregatedListing<Record>::AggregatedListing(std::vector<std::shared_ptr<const AggregatedListing>> parts)
    : parts_(std::move(parts)) {
  std::size_t total = 0;
  for (const auto& p : parts_) total += p->items_.size();
  items_.reserve(total);
  for (const auto& p : parts_) items_.insert(items_.end(), p->items_.begin(), p->items_.end());
}

template <class Record>
std::shared_ptr<const typename AggregatedListing<Record>::Order> AggregatedListing<Record>::sorted(
    const std::vector<SortKey>& keys) const {
  const std::string spec = sort_key_text(keys);
  {
    std::lock_guard lock(sorted_mutex_);
    for (const auto& [s, order] : sorted_)
      if (s == spec) return order;
  }
  auto order = std::make_shared<Order>(items_.size());
  for (std::uint32_t i = 0; i < order->size(); ++i) (*order)[i] = i;
  const auto& items = items_;
  std::sort(order->begin(), order->end(), [&](std::uint32_t a, std::uint32_t b) {
    const Item& x = items[a];
    const Item& y = items[b];
    for (const SortKey& key : keys) {
      int c = 0;
      if (key.field == SortField::Size) c = x.size_gib < y.size_gib ? -1 : (x.size_gib > y.size_gib ? 1 : 0);
      else c = x.sort_reference->compare(*y.sort_reference);
      if (c != 0) return key.ascending ? c < 0 : c > 0;
    }
    return a < b;  // stable: the driver's order
  });
  std::lock_guard lock(sorted_mutex_);
  if (sorted_.size() >= 8) sorted_.erase(sorted_.begin());
  sorted_.emplace_back(spec, order);
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
    bool found = false;
    if (marker) {
      for (std::size_t i = 0; i < order->size(); ++i) {
        if (items_[(*order)[i]].record->reference == *marker) {
          start = i + 1;
          found = true;
          break;
        }
      }
    }
    if (!found) return ServiceError{Fault::InvalidInput, "marker not found: " + *query.marker};
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
  e.reference = item.record->reference;
  e.size = item.size_gib;
  e.safe_to_manage = item.reason == nullptr;
  if (item.reason) e.reason_not_safe = *item.reason;
  if (!item.record->extra_info.empty()) e.extra_info = item.record->extra_info;
  if (item.cinder_id) e.cinder_id = *item.cinder_id;
  e.source_reference = item.record->source_reference;
  return e;
}

template <>
VolumeListingEntry AggregatedListing<snapmgr::ManageableVolume>::to_entry(const Item& item) const {
  VolumeListingEntry e;
  e.reference = item.record->reference;
  e.size = item.size_gib;
  e.safe_to_manage = item.reason == nullptr;
  if (item.reason) e.reason_not_safe = *item.reason;
  if (item.cinder_id) e.cinder_id = *item.cinder_id;
  if (!item.record->extra_info.empty()) e.extra_info = item.record->extra_info;
  return e;
}

template class AggregatedListing<snapmgr::ManageableSnapshot>;
template class AggregatedListing<snapmgr::ManageableVolume>;

}  // namespace snapmgr::core
