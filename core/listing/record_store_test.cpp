// The listing's compact record storage: packed maps round-trip exactly and compare like the
// maps they pack; interned texts are stored once; nothing moves; pooled blocks are reused.
#include "core/listing/record_store.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/listing/pooled_array.hpp"

namespace snapmgr::core {
namespace {

snapmgr::StringMap map(std::initializer_list<snapmgr::StringMap::value_type> items) {
  return snapmgr::StringMap(items);
}

TEST(RecordStore, PackedMapsRoundTrip) {
  RecordStore store;
  const std::string nul("a\0b", 3);
  const std::string big(200'000, 'x');  // larger than an arena block
  for (const auto& m :
       {map({}), map({{"source-name", "lvol0"}}), map({{"source-id", "0x2a"}, {"source-name", "snap-1"}, {"", ""}}),
        map({{"k", nul}, {nul, "v"}}), map({{"source-name", big}})}) {
    const std::string_view packed = store.pack(m);
    EXPECT_EQ(unpack_map(packed), m);
    EXPECT_EQ(std::string(packed), pack_map(m));
  }
}

TEST(RecordStore, PackedMapsAreEqualExactlyWhenTheMapsAre) {
  EXPECT_EQ(pack_map(map({{"b", "2"}, {"a", "1"}})), pack_map(map({{"a", "1"}, {"b", "2"}})));
  EXPECT_NE(pack_map(map({{"ab", "c"}})), pack_map(map({{"a", "bc"}})));
  EXPECT_NE(pack_map(map({{"a", "1"}})), pack_map(map({{"a", "1"}, {"b", ""}})));
  EXPECT_NE(pack_map(map({{"a", ""}})), pack_map(map({})));
}

TEST(RecordStore, SmallestValueIsAViewIntoThePackedMap) {
  RecordStore store;
  const std::string_view packed = store.pack(map({{"a", "zeta"}, {"b", "alpha"}, {"c", "beta"}}));
  const std::string_view smallest = smallest_packed_value(packed);
  EXPECT_EQ(smallest, "alpha");
  EXPECT_GE(smallest.data(), packed.data());
  EXPECT_LE(smallest.data() + smallest.size(), packed.data() + packed.size());
  EXPECT_EQ(smallest_packed_value(store.pack(map({}))), "");
}

TEST(RecordStore, ValuesAreFoundByKey) {
  const std::string packed = pack_map(map({{"source-id", "42"}, {"source-name", "lvol0"}}));
  EXPECT_EQ(packed_value(packed, "source-name"), std::optional<std::string_view>("lvol0"));
  EXPECT_EQ(packed_value(packed, "source-id"), std::optional<std::string_view>("42"));
  EXPECT_EQ(packed_value(packed, "source"), std::nullopt);
  EXPECT_EQ(packed_value(pack_map(map({{"lvol0", "source-name"}})), "source-name"),
            std::nullopt);  // a value is not a key
}

TEST(RecordStore, TextsAreInternedOnceAndNothingMoves) {
  RecordStore store;
  const std::string* reason = store.intern(std::string("has clones"));
  const std::string_view first = store.pack(map({{"source-name", "snap-first"}}));
  std::vector<std::string_view> packed;
  for (int i = 0; i < 50'000; ++i) {  // several pooled blocks and rehashes later...
    store.intern("reason " + std::to_string(i));
    packed.push_back(store.pack(map({{"source-name", "snap-" + std::to_string(i)}})));
  }
  EXPECT_EQ(store.intern(std::string("has clones")), reason);  // ...the same addresses
  EXPECT_EQ(*reason, "has clones");
  EXPECT_NE(store.intern(std::string("has snapshots")), reason);
  EXPECT_EQ(unpack_map(first), map({{"source-name", "snap-first"}}));
  for (int i = 0; i < 50'000; ++i)
    EXPECT_EQ(unpack_map(packed[i]), map({{"source-name", "snap-" + std::to_string(i)}}));
}

TEST(BlockPool, IdleBlocksAreReused) {
  char* a = block_pool::take();
  a[block_pool::kBlockSize - 1] = 1;  // the whole block is usable
  block_pool::give_back(a);
  char* b = block_pool::take();
  EXPECT_EQ(a, b);  // the idle block came back
  block_pool::give_back(b);
}

TEST(PooledArray, AppendingNeverMovesItems) {
  PooledArray<std::uint64_t> items;
  const std::size_t n = 3 * PooledArray<std::uint64_t>::kPerBlock + 5;  // four blocks
  items.push_back(0);
  const std::uint64_t* first = &items[0];
  for (std::uint64_t i = 1; i < n; ++i) items.push_back(i * 3);
  ASSERT_EQ(items.size(), n);
  EXPECT_EQ(&items[0], first);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(items[i], i * 3) << i;
}

}  // namespace
}  // namespace snapmgr::core
