#include "core/catalog/reference_codec.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

TEST(ReferenceCodec, CanonicalJsonIsKeyOrderedAndRoundTrips) {
  snapmgr::StringMap ref;
  ref.set("source-name", "lvol0");
  ref.set("source-id", "42");
  EXPECT_EQ(to_canonical_json(ref), R"({"source-id":"42","source-name":"lvol0"})");
  EXPECT_EQ(from_json_object(to_canonical_json(ref)), ref);
  EXPECT_EQ(to_canonical_json({}), "{}");
  EXPECT_EQ(to_canonical_json(snapmgr::StringMap{{"n", "a\"b\\c"}}), R"({"n":"a\"b\\c"})");
}

TEST(ReferenceCodec, OnlyObjectsOfStringsParse) {
  EXPECT_FALSE(from_json_object("1234"));
  EXPECT_FALSE(from_json_object("[\"a\"]"));
  EXPECT_FALSE(from_json_object(R"({"a": 1})"));
  EXPECT_FALSE(from_json_object("{not json"));
  ASSERT_TRUE(from_json_object("{}"));
  EXPECT_TRUE(from_json_object("{}")->empty());
}

}  // namespace
}  // namespace snapmgr::core
