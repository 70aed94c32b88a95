// Host-side aggregation, sorting and paging (docs/cinder-compatibility.md §2.4, §2.5).
#include "core/listing/aggregated_listing.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

constexpr std::uint64_t kGiB = 1ULL << 30;

snapmgr::ManageableSnapshot snap(snapmgr::StringMap reference, std::uint64_t size_bytes) {
  snapmgr::ManageableSnapshot s;
  s.reference = std::move(reference);
  s.size_bytes = size_bytes;
  s.source_reference = {{"source-name", "volume-a"}};
  return s;
}

// Cinder's unit-test inventory: (name, size) with references {"name": ...}.
std::vector<snapmgr::ManageableSnapshot> cinder_entries() {
  std::vector<snapmgr::ManageableSnapshot> v;
  for (auto [name, size] : std::vector<std::pair<const char*, int>>{
           {"vol03", 1}, {"vol01", 3}, {"vol02", 3}, {"vol04", 2}, {"vol06", 3}, {"vol07", 1}, {"vol05", 1}}) {
    v.push_back(snap({{"name", name}}, size * kGiB));
  }
  return v;
}

std::vector<snapmgr::ManageableSnapshot> abc_entries() {
  return {snap({{"source-name", "b"}}, 2 * kGiB), snap({{"source-name", "a"}}, 2 * kGiB),
          snap({{"source-name", "c"}}, 1 * kGiB)};
}

SortKey key(SortField f, bool asc) { return SortKey{f, asc}; }
const SortKey kSizeAsc = key(SortField::Size, true), kSizeDesc = key(SortField::Size, false);
const SortKey kRefAsc = key(SortField::Reference, true), kRefDesc = key(SortField::Reference, false);

struct Case {
  std::string name;
  std::vector<snapmgr::ManageableSnapshot> (*inventory)();
  std::vector<SortKey> sort;
  std::optional<std::string> marker;
  std::size_t limit;
  std::size_t offset;
  std::vector<std::string> expected;  // smallest reference value of each entry, in order
  std::string error;                  // expected error message instead, when not empty
};

std::vector<snapmgr::ManageableSnapshot> multi_key_entries() {
  return {snap({{"source-name", "zeta"}, {"source-id", "100"}}, 1 * kGiB),
          snap({{"source-name", "alpha"}, {"source-id", "900"}}, 1 * kGiB),
          snap({{"source-name", "mid"}, {"source-id", "500"}}, 2 * kGiB)};
}

std::vector<snapmgr::ManageableSnapshot> code_point_entries() {
  return {snap({{"source-name", "apple"}}, kGiB), snap({{"source-name", "Zebra"}}, kGiB),
          snap({{"source-name", "_snapshot-x"}}, kGiB), snap({{"source-name", "0day"}}, kGiB)};
}

std::vector<snapmgr::ManageableSnapshot> many_entries() {
  std::vector<snapmgr::ManageableSnapshot> v;
  for (int i = 0; i < 1500; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "s%04d", i);
    v.push_back(snap({{"source-name", name}}, static_cast<std::uint64_t>(i % 7 + 1) * kGiB));
  }
  return v;
}

std::vector<std::string> refs(const std::vector<SnapshotListingEntry>& page) {
  std::vector<std::string> out;
  for (const auto& e : page) {
    const std::string* smallest = nullptr;
    for (const auto& [k, v] : e.reference)
      if (!smallest || v < *smallest) smallest = &v;
    out.push_back(smallest ? *smallest : "");
  }
  return out;
}

class Pagination : public ::testing::TestWithParam<Case> {};

TEST_P(Pagination, MatchesCinder) {
  const Case& c = GetParam();
  SnapshotListing listing(c.inventory(), nullptr);
  ListingQuery q;
  q.sort = c.sort;
  q.marker = c.marker;
  q.limit = c.limit;
  q.offset = c.offset;
  auto page = listing.page(q);
  if (!c.error.empty()) {
    ASSERT_FALSE(page.ok()) << c.name;
    EXPECT_EQ(page.error().fault, Fault::InvalidInput);
    EXPECT_EQ(page.error().message, c.error);
    return;
  }
  ASSERT_TRUE(page.ok()) << c.name << ": " << page.error().message;
  EXPECT_EQ(refs(*page), c.expected) << c.name;
}

const auto kNone = std::nullopt;
using V = std::vector<std::string>;

INSTANTIATE_TEST_SUITE_P(
    Cinder, Pagination,
    ::testing::Values(
        // The worked examples of docs/cinder-compatibility.md §2.4 (Cinder's own unit tests).
        Case{"size_desc_reference_asc",
             cinder_entries,
             {kSizeDesc, kRefAsc},
             kNone,
             1000,
             0,
             V{"vol01", "vol02", "vol06", "vol04", "vol03", "vol05", "vol07"},
             ""},
        Case{"marker_limit_offset",
             cinder_entries,
             {kSizeDesc, kRefAsc},
             R"({"name":"vol02"})",
             3,
             1,
             V{"vol04", "vol03", "vol05"},
             ""},
        Case{"reference_desc_limit", cinder_entries, {kRefDesc}, kNone, 3, 0, V{"vol07", "vol06", "vol05"}, ""},
        Case{"default_sort", abc_entries, {kRefDesc}, kNone, 1000, 0, V{"c", "b", "a"}, ""},
        Case{"size_asc_reference_asc", abc_entries, {kSizeAsc, kRefAsc}, kNone, 1000, 0, V{"c", "a", "b"}, ""},
        Case{"marker_b_limit_1", abc_entries, {kRefAsc}, R"({"source-name":"b"})", 1, 0, V{"c"}, ""},
        Case{"marker_invalid_format",
             cinder_entries,
             {kRefDesc},
             "invalid_format",
             10,
             0,
             V{},
             "marker invalid_format can not be analysed, please use json like format"},
        Case{"marker_not_found",
             abc_entries,
             {kRefDesc},
             R"({"name":"vol02"})",
             10,
             0,
             V{},
             R"(marker not found: {'name': 'vol02'})"},
        // Stability: ties keep the driver's order, in both directions.
        Case{"size_asc_stable",
             cinder_entries,
             {kSizeAsc},
             kNone,
             1000,
             0,
             V{"vol03", "vol07", "vol05", "vol04", "vol01", "vol02", "vol06"},
             ""},
        Case{"size_desc_stable",
             cinder_entries,
             {kSizeDesc},
             kNone,
             1000,
             0,
             V{"vol01", "vol02", "vol06", "vol04", "vol03", "vol07", "vol05"},
             ""},
        Case{"reference_asc",
             cinder_entries,
             {kRefAsc},
             kNone,
             1000,
             0,
             V{"vol01", "vol02", "vol03", "vol04", "vol05", "vol06", "vol07"},
             ""},
        Case{"size_asc_reference_desc",
             cinder_entries,
             {kSizeAsc, kRefDesc},
             kNone,
             1000,
             0,
             V{"vol07", "vol05", "vol03", "vol04", "vol06", "vol02", "vol01"},
             ""},
        Case{"reference_then_size", cinder_entries, {kRefAsc, kSizeDesc}, kNone, 2, 0, V{"vol01", "vol02"}, ""},
        Case{"size_desc_reference_desc", abc_entries, {kSizeDesc, kRefDesc}, kNone, 1000, 0, V{"b", "a", "c"}, ""},
        // Multi-key references compare by their smallest value; the marker must match every key.
        Case{"multi_key_asc", multi_key_entries, {kRefAsc}, kNone, 1000, 0, V{"100", "500", "900"}, ""},
        Case{"multi_key_desc", multi_key_entries, {kRefDesc}, kNone, 1000, 0, V{"900", "500", "100"}, ""},
        Case{"multi_key_marker_whole",
             multi_key_entries,
             {kRefAsc},
             R"({"source-name":"mid","source-id":"500"})",
             1000,
             0,
             V{"900"},
             ""},
        Case{"multi_key_marker_partial",
             multi_key_entries,
             {kRefAsc},
             R"({"source-name":"mid"})",
             1000,
             0,
             V{},
             R"(marker not found: {'source-name': 'mid'})"},
        Case{"multi_key_size_then_ref",
             multi_key_entries,
             {kSizeDesc, kRefAsc},
             kNone,
             1000,
             0,
             V{"500", "100", "900"},
             ""},
        // Code-point order: '0' < 'Z' < '_' < 'a'.
        Case{"code_point_order",
             code_point_entries,
             {kRefAsc},
             kNone,
             1000,
             0,
             V{"0day", "Zebra", "_snapshot-x", "apple"},
             ""},
        // Marker positions and forms.
        Case{"marker_first", abc_entries, {kRefAsc}, R"({"source-name":"a"})", 1000, 0, V{"b", "c"}, ""},
        Case{"marker_last", abc_entries, {kRefAsc}, R"({"source-name":"c"})", 1000, 0, V{}, ""},
        Case{"marker_with_spaces", abc_entries, {kRefAsc}, R"({ "source-name" : "a" })", 1000, 0, V{"b", "c"}, ""},
        Case{"marker_number", abc_entries, {kRefAsc}, "1234", 1000, 0, V{}, "marker not found: 1234"},
        Case{"marker_null", abc_entries, {kRefAsc}, "null", 1000, 0, V{}, "marker not found: None"},
        Case{"marker_empty_object", abc_entries, {kRefAsc}, "{}", 1000, 0, V{}, "marker not found: {}"},
        Case{"marker_json_string", abc_entries, {kRefAsc}, R"("")", 1000, 0, V{}, "marker not found: "},
        // "marker not found: %s" % the decoded marker, as Cinder prints it, for every JSON type.
        Case{"marker_json_string_value",
             abc_entries,
             {kRefAsc},
             R"("mysnap")",
             1000,
             0,
             V{},
             "marker not found: mysnap"},
        Case{"marker_list",
             abc_entries,
             {kRefAsc},
             R"(["a", 1, null])",
             1000,
             0,
             V{},
             "marker not found: ['a', 1, None]"},
        Case{"marker_bool", abc_entries, {kRefAsc}, "true", 1000, 0, V{}, "marker not found: True"},
        Case{"marker_float", abc_entries, {kRefAsc}, "1.5", 1000, 0, V{}, "marker not found: 1.5"},
        Case{"marker_big_integer",
             abc_entries,
             {kRefAsc},
             "123456789012345678901234567890",
             1000,
             0,
             V{},
             "marker not found: 123456789012345678901234567890"},
        Case{"marker_nested_object",
             abc_entries,
             {kRefAsc},
             R"({"source-name": {"a": "it's"}})",
             1000,
             0,
             V{},
             R"(marker not found: {'source-name': {'a': "it's"}})"},
        Case{"marker_non_string_value",
             abc_entries,
             {kRefAsc},
             R"({"source-name": 2})",
             1000,
             0,
             V{},
             R"(marker not found: {'source-name': 2})"},
        Case{"marker_truncated_json",
             abc_entries,
             {kRefAsc},
             R"({"source-name": "a")",
             1000,
             0,
             V{},
             R"(marker {"source-name": "a" can not be analysed, please use json like format)"},
        Case{"marker_empty_is_ignored", abc_entries, {kRefAsc}, "", 1000, 0, V{"a", "b", "c"}, ""},
        Case{"marker_then_offset", cinder_entries, {kRefAsc}, R"({"name":"vol02"})", 2, 2, V{"vol05", "vol06"}, ""},
        Case{"marker_offset_past_end", cinder_entries, {kRefAsc}, R"({"name":"vol02"})", 2, 5, V{}, ""},
        Case{"marker_checked_with_limit_0",
             abc_entries,
             {kRefAsc},
             R"({"source-name":"x"})",
             0,
             0,
             V{},
             R"(marker not found: {'source-name': 'x'})"},
        // Offset and limit.
        Case{"offset_past_end", abc_entries, {kRefAsc}, kNone, 1000, 3, V{}, ""},
        Case{"offset_far_past_end", abc_entries, {kRefAsc}, kNone, 1000, 2147483647, V{}, ""},
        Case{"offset_last", abc_entries, {kRefAsc}, kNone, 1000, 2, V{"c"}, ""},
        Case{"limit_0", abc_entries, {kRefAsc}, kNone, 0, 0, V{}, ""},
        Case{"limit_1", abc_entries, {kRefAsc}, kNone, 1, 0, V{"a"}, ""},
        Case{"limit_exact", abc_entries, {kRefAsc}, kNone, 3, 0, V{"a", "b", "c"}, ""},
        Case{"limit_1_offset_1", abc_entries, {kRefAsc}, kNone, 1, 1, V{"b"}, ""},
        Case{"empty_sort_means_default", abc_entries, {}, kNone, 1000, 0, V{"c", "b", "a"}, ""}),
    [](const auto& info) { return info.param.name; });

TEST(PaginationLimits, LimitOf1000Over1500Entries) {
  SnapshotListing listing(many_entries(), nullptr);
  ListingQuery q;
  q.sort = {kRefAsc};
  q.limit = 1000;
  auto page = listing.page(q);
  ASSERT_EQ(page->size(), 1000u);
  EXPECT_EQ(refs(*page).front(), "s0000");
  EXPECT_EQ(refs(*page).back(), "s0999");
  q.marker = R"({"source-name":"s0999"})";
  auto next = listing.page(q);
  ASSERT_EQ(next->size(), 500u);
  EXPECT_EQ(refs(*next).front(), "s1000");
}

TEST(PaginationLimits, PagingWithMarkersVisitsEveryEntryOnce) {
  SnapshotListing listing(many_entries(), nullptr);
  ListingQuery q;
  q.sort = {kSizeDesc, kRefAsc};
  q.limit = 97;
  std::set<std::string> seen;
  std::size_t pages = 0;
  for (;;) {
    auto page = listing.page(q);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const auto& r : refs(*page)) EXPECT_TRUE(seen.insert(r).second) << r;
    q.marker = std::string(R"({"source-name":")") + refs(*page).back() + "\"}";
    ++pages;
  }
  EXPECT_EQ(seen.size(), 1500u);
  EXPECT_EQ(pages, 16u);
}

// The fast sort paths (a radix sort for sizes, prefix keys for references) against a plain
// stable sort: sizes spanning several bytes, many ties, references sharing long prefixes.
TEST(PaginationLimits, FastSortsAgreeWithAStableSort) {
  const std::uint64_t sizes[] = {1, 300, 70000, 1ULL << 33, 300, 1, 255, 256, 65536, 70000};
  const char* names[] = {"snapshot-aaaaaaaa-2",
                         "snapshot-aaaaaaaa-1",
                         "snap",
                         "snapshot-aaaaaaab",
                         "",
                         "snapshot-aaaaaaaa-1x",
                         "a\xff",
                         "a\x01",
                         "snapshot-",
                         "b"};
  std::vector<snapmgr::ManageableSnapshot> records;
  for (std::size_t i = 0; i < 40; ++i) {
    records.push_back(
        snap({{"source-name", std::string(names[i % 10]) + std::to_string(i / 10)}}, sizes[(i * 7) % 10] * kGiB));
  }
  SnapshotListing listing(records, nullptr);
  for (const auto& keys : std::vector<std::vector<SortKey>>{
           {kSizeAsc}, {kSizeDesc}, {kRefAsc}, {kRefDesc}, {kSizeDesc, kRefAsc}, {kRefDesc, kSizeAsc}}) {
    std::vector<std::size_t> expected(records.size());
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i;
    std::stable_sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) {
      for (const auto& k : keys) {
        int c = 0;
        if (k.field == SortField::Size) {
          const auto x = round_up_to_gib(records[a].size_bytes), y = round_up_to_gib(records[b].size_bytes);
          c = x < y ? -1 : (x > y ? 1 : 0);
        } else {
          c = records[a].reference.begin()->second.compare(records[b].reference.begin()->second);
        }
        if (c != 0) return k.ascending ? c < 0 : c > 0;
      }
      return false;
    });
    ListingQuery q;
    q.sort = keys;
    q.limit = 1000;
    auto page = listing.page(q);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->size(), records.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*page)[i].reference, records[expected[i]].reference) << "position " << i;
    }
  }
}

TEST(Aggregation, SizesRoundUpToWholeGiB) {
  SnapshotListing listing(
      {snap({{"source-name", "a"}}, 0), snap({{"source-name", "b"}}, 1), snap({{"source-name", "c"}}, kGiB),
       snap({{"source-name", "d"}}, kGiB + 1), snap({{"source-name", "e"}}, 3 * kGiB / 2)},
      nullptr);
  ListingQuery q;
  q.sort = {kRefAsc};
  auto page = listing.page(q);
  std::vector<std::int64_t> sizes;
  for (const auto& e : *page) sizes.push_back(e.size);
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{0, 1, 1, 2, 2}));
}

TEST(Aggregation, PrecedenceAlreadyManagedThenInUseThenReasonThenSafe) {
  std::vector<snapmgr::ManageableSnapshot> records;
  auto add = [&](const char* name, bool in_use, const char* reason) {
    auto s = snap({{"source-name", name}}, kGiB);
    s.in_use = in_use;
    if (reason) s.reason = reason;
    s.extra_info = {{"pool", "gold"}};
    records.push_back(s);
  };
  add("managed_busy_reason", true, "has clones");
  add("busy_reason", true, "has clones");
  add("reason", false, "has clones");
  add("safe", false, nullptr);
  add("_snapshot-11111111-2222-3333-4444-555555555555", false, nullptr);
  add("snapshot-11111111-2222-3333-4444-555555555555", false, nullptr);
  add("_snapshot-99999999-2222-3333-4444-555555555555", false, nullptr);
  auto managed = std::make_shared<ManagedIndex>(
      ObjectKind::Snapshot,
      std::vector<ManagedReference>{{"id-1", {{"source-name", "managed_busy_reason"}}},
                                    {"11111111-2222-3333-4444-555555555555", {{"source-name", "elsewhere"}}}});
  SnapshotListing listing(std::move(records), managed);
  ListingQuery q;
  q.sort = {kSizeAsc};  // all equal: driver order
  auto page = *listing.page(q);
  ASSERT_EQ(page.size(), 7u);
  EXPECT_FALSE(page[0].safe_to_manage);
  EXPECT_EQ(page[0].reason_not_safe.value_or(""), "already managed");
  EXPECT_EQ(page[0].cinder_id.value_or(""), "id-1");
  EXPECT_EQ(page[1].reason_not_safe.value_or(""), "snapshot in use");
  EXPECT_FALSE(page[1].cinder_id);
  EXPECT_EQ(page[2].reason_not_safe.value_or(""), "has clones");
  EXPECT_TRUE(page[3].safe_to_manage);
  EXPECT_FALSE(page[3].reason_not_safe);
  EXPECT_FALSE(page[3].cinder_id);
  EXPECT_EQ(page[4].cinder_id.value_or(""), "11111111-2222-3333-4444-555555555555");  // Cinder's escaped name
  EXPECT_EQ(page[5].cinder_id.value_or(""), "11111111-2222-3333-4444-555555555555");  // unescaped name
  EXPECT_TRUE(page[6].safe_to_manage);  // a Cinder-like name whose uuid is not in the catalog
  EXPECT_EQ(page[3].extra_info->find("pool")->c_str(), std::string("gold"));
  EXPECT_EQ(page[3].source_reference, (snapmgr::StringMap{{"source-name", "volume-a"}}));
}

TEST(Aggregation, VolumesSayVolumeInUseAndMatchVolumeNames) {
  std::vector<snapmgr::ManageableVolume> records(3);
  records[0].reference = {{"source-name", "busy"}};
  records[0].in_use = true;
  records[1].reference = {{"source-name", "volume-abc"}};
  records[2].reference = {{"source-name", "_snapshot-abc"}};
  auto managed = std::make_shared<ManagedIndex>(ObjectKind::Volume,
                                                std::vector<ManagedReference>{{"abc", {{"source-name", "x"}}}});
  VolumeListing listing(std::move(records), managed);
  ListingQuery q;
  q.sort = {kSizeAsc};
  auto page = *listing.page(q);
  EXPECT_EQ(page[0].reason_not_safe.value_or(""), "volume in use");
  EXPECT_EQ(page[1].cinder_id.value_or(""), "abc");
  EXPECT_TRUE(page[2].safe_to_manage);  // a snapshot name never marks a volume as managed
  EXPECT_FALSE(page[0].extra_info);     // no extra_info from the driver → null
}

TEST(Aggregation, ClusterListingConcatenatesBackendsInOrder) {
  auto a = std::make_shared<SnapshotListing>(abc_entries(), nullptr);
  auto b = std::make_shared<SnapshotListing>(
      std::vector<snapmgr::ManageableSnapshot>{snap({{"source-name", "d"}}, 2 * kGiB)}, nullptr);
  SnapshotListing both(std::vector<std::shared_ptr<const SnapshotListing>>{a, b});
  ListingQuery q;
  q.sort = {kSizeDesc};
  EXPECT_EQ(refs(*both.page(q)), (V{"b", "a", "d", "c"}));
  EXPECT_EQ(both.size(), 4u);
}

}  // namespace
}  // namespace snapmgr::core
