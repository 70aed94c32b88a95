// Fuzz target: the query string of a manageable listing and its marker. The input's first byte
// picks the microversion and the path (v3 or legacy); the rest is a request target
// ("/v3/p1/manageable_snapshots/detail?host=...&sort=size:desc&marker=..."). It is split and
// decoded (query_params), validated with Cinder's rules (listing_params), and — when valid —
// a page is cut from a small aggregated listing of snapshots and of volumes, which parses the
// marker as a JSON reference and sorts (aggregated_listing).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/listing_params.hpp"
#include "core/api/query_params.hpp"
#include "core/listing/aggregated_listing.hpp"

namespace {

using namespace snapmgr::core;

constexpr api::ApiVersion kVersions[] = {{3, 0}, {3, 8}, {3, 16}, {3, 17}, {3, 70}, {3, 71}, {4, 0}, {2, 9}};

snapmgr::ManageableSnapshot snapshot(std::string name, std::uint64_t size, bool in_use = false) {
  snapmgr::ManageableSnapshot s;
  s.reference = {{"source-name", std::move(name)}};
  s.size_bytes = size;
  s.source_reference = {{"source-name", "volume-a"}};
  s.in_use = in_use;
  return s;
}

snapmgr::ManageableVolume volume(std::string name, std::uint64_t size) {
  snapmgr::ManageableVolume v;
  v.reference = {{"source-name", std::move(name)}, {"source-id", "id-" + std::to_string(size)}};
  v.size_bytes = size;
  return v;
}

struct Listings {
  std::shared_ptr<const SnapshotListing> snapshots;
  std::shared_ptr<const VolumeListing> volumes;

  Listings() {
    const std::vector<snapmgr::ManageableSnapshot> s = {
        snapshot("lvol0", 1610612736), snapshot("lvol1", 1073741824, true), snapshot("lvol2", 1),
        snapshot("_snapshot-0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11", 5ULL << 30), snapshot("lvol0", 7)};
    const std::vector<ManagedReference> managed = {
        {"0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11", {{"source-name", "_snapshot-0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11"}}}};
    snapshots = std::make_shared<SnapshotListing>(s, std::make_shared<ManagedIndex>(ObjectKind::Snapshot, managed));
    const std::vector<snapmgr::ManageableVolume> v = {volume("volume-a", 2147483648), volume("volume-b", 1),
                                                      volume("volume-c", 0)};
    volumes = std::make_shared<VolumeListing>(
        v, std::make_shared<ManagedIndex>(ObjectKind::Volume, std::vector<ManagedReference>{}));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const Listings listings;
  const api::ApiVersion version = kVersions[data[0] % std::size(kVersions)];
  const api::ApiPath path = (data[0] & 0x80) ? api::ApiPath::Legacy : api::ApiPath::V3;
  const std::string_view target(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto parsed = api::parse_target(target);
  if (!parsed) return 0;
  for (const auto& [key, value] : parsed->query.items()) (void)api::parse_python_int(value);
  auto query = api::parse_listing_query(parsed->query, version, path);
  if (!query) return 0;
  (void)listings.snapshots->page(*query);
  (void)listings.volumes->page(*query);
  return 0;
}
