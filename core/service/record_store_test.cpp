// The listing's compact record storage: packed references round-trip exactly and compare like
// the maps they pack; interned values are stored once and stay where they are.
#include "core/service/record_store.hpp"

#include <string>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

snapmgr::StringMap map(std::initializer_list<snapmgr::StringMap::value_type> items) { return snapmgr::StringMap(items); }

TEST(RecordStore, PackedMapsRoundTrip) {
  RecordStore store;
  const std::string nul("a\0b", 3);
  const std::string big(200'000, 'x');  // larger than an arena block
  for (const auto& m : {map({}), map({{"source-name", "lvol0"}}),
                        map({{"source-id", "0x2a"}, {"source-name", "snap-1"}, {"", ""}}),
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

TEST(RecordStore, ValuesAreInternedOnceAndNeverMove) {
  RecordStore store;
  const snapmgr::StringMap* gold = store.intern(map({{"pool", "gold"}}));
  const std::string* reason = store.intern(std::string("has clones"));
  std::vector<std::string_view> packed;
  for (int i = 0; i < 20'000; ++i) {  // many arena blocks and rehashes later...
    store.intern(map({{"source-name", "volume-" + std::to_string(i)}}));
    store.intern("reason " + std::to_string(i));
    packed.push_back(store.pack(map({{"source-name", "snap-" + std::to_string(i)}})));
  }
  EXPECT_EQ(store.intern(map({{"pool", "gold"}})), gold);  // ...the same addresses
  EXPECT_EQ(*gold, map({{"pool", "gold"}}));
  EXPECT_EQ(store.intern(std::string("has clones")), reason);
  EXPECT_NE(store.intern(map({{"pool", "silver"}})), gold);
  for (int i = 0; i < 20'000; ++i) EXPECT_EQ(unpack_map(packed[i]), map({{"source-name", "snap-" + std::to_string(i)}}));
}

}  // namespace
}  // namespace snapmgr::core
