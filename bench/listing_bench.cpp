// The host side of a listing (target: bench/README.md): a driver's streamed records → aggregation against
// the catalog's managed set into compact storage → sort → page, at 1k, 10k and 100k snapshot records with 10%
// already managed, sort size:desc, limit 1000; the same with a marker in the middle of the order; the
// JSON body of a 1,000-entry detail page (view + serialisation, as the API answers it).
//
//   build/bench/listing_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <map>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include "core/api/views.hpp"
#include "core/listing/aggregated_listing.hpp"

namespace snapmgr::core {
namespace {

struct Inventory {
  std::vector<snapmgr::ManageableSnapshot> records;
  std::shared_ptr<const ManagedIndex> managed;
};

// Records shaped like real ones (Cinder-style names, sizes rarely a whole GiB, one extra_info
// key, a few in use or with a reason); every tenth is managed by the catalog.
const Inventory& inventory(std::size_t n) {
  static std::map<std::size_t, Inventory> cache;
  auto& inv = cache[n];
  if (!inv.records.empty()) return inv;
  std::mt19937_64 rng(42);
  std::vector<ManagedReference> managed;
  for (std::size_t i = 0; i < n; ++i) {
    snapmgr::ManageableSnapshot s;
    char name[64];
    std::snprintf(name, sizeof name, "snap-%016llx-%06zu", static_cast<unsigned long long>(rng()), i);
    s.reference.set("source-name", name);
    s.size_bytes = (rng() % 100) * (1ULL << 30) + rng() % (1ULL << 30) + 1;
    std::snprintf(name, sizeof name, "volume-%016llx", static_cast<unsigned long long>(rng() % 1000));
    s.source_reference.set("source-name", name);
    s.in_use = rng() % 20 == 0;
    if (rng() % 50 == 0) s.reason = "snapshot has dependent clones";
    s.extra_info.set("pool", "pool-" + std::to_string(i % 4));
    if (i % 10 == 0) managed.push_back({"id-" + std::to_string(i), s.reference});
    inv.records.push_back(std::move(s));
  }
  inv.managed = std::make_shared<ManagedIndex>(ObjectKind::Snapshot, managed);
  return inv;
}

ListingQuery size_desc_page() {
  ListingQuery q;
  q.sort = {SortKey{SortField::Size, false}};
  q.limit = 1000;
  return q;
}

// Aggregation + sort + page of one fresh listing (what the first request after a fetch pays).
void BM_HostListing(benchmark::State& state) {
  const auto& inv = inventory(static_cast<std::size_t>(state.range(0)));
  const ListingQuery q = size_desc_page();
  for (auto _ : state) {
    // Each of the driver's records as the listing sink receives it: aggregated into the listing's
    // compact storage (making and freeing the records is the driver's side of the stream).
    auto listing = std::make_unique<SnapshotListing>(inv.records, inv.managed);
    auto page = listing->page(q);
    benchmark::DoNotOptimize(page);
    state.PauseTiming();
    listing.reset();  // freeing is not part of the request
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HostListing)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The same, paging from a marker in the middle of the sorted order.
void BM_HostListingWithMarker(benchmark::State& state) {
  const auto& inv = inventory(static_cast<std::size_t>(state.range(0)));
  ListingQuery q = size_desc_page();
  {
    SnapshotListing probe(inv.records, inv.managed);
    ListingQuery half = q;
    half.limit = 1;
    half.offset = inv.records.size() / 2;
    auto middle = probe.page(half);
    q.marker = "{\"source-name\": \"" + *(*middle)[0].reference.find("source-name") + "\"}";
  }
  for (auto _ : state) {
    auto listing = std::make_unique<SnapshotListing>(inv.records, inv.managed);
    auto page = listing->page(q);
    if (!page.ok() || page->size() != std::min<std::size_t>(1000, inv.records.size() - inv.records.size() / 2 - 1)) {
      state.SkipWithError("unexpected page");
    }
    benchmark::DoNotOptimize(page);
    state.PauseTiming();
    listing.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_HostListingWithMarker)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// A page served from a listing already aggregated and sorted by an earlier request of the same
// fetch (what the other requests of a single-flight batch pay).
void BM_PageFromSharedListing(benchmark::State& state) {
  const auto& inv = inventory(static_cast<std::size_t>(state.range(0)));
  SnapshotListing listing(inv.records, inv.managed);
  ListingQuery q = size_desc_page();
  q.limit = 100;
  (void)listing.page(q);
  for (auto _ : state) {
    auto page = listing.page(q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_PageFromSharedListing)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// The response body of GET .../manageable_snapshots/detail?limit=1000: the page's entries turned
// into Cinder's view and serialised.
void BM_SerializeDetailPage(benchmark::State& state) {
  const auto& inv = inventory(static_cast<std::size_t>(state.range(0)));
  SnapshotListing listing(inv.records, inv.managed);
  auto page = listing.page(size_desc_page());
  if (!page.ok()) {
    state.SkipWithError("no page");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = api::manageable_snapshots_body(*page, true);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["entries"] = static_cast<double>(page->size());
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_SerializeDetailPage)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace snapmgr::core
