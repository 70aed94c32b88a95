// Listing query parsing with Cinder's semantics and messages (docs/cinder-compatibility.md §2.3).
#include "core/api/listing_params.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

ListingQuery ok(const char* target, ApiVersion v = {3, 8}, ApiPath path = ApiPath::V3) {
  auto parsed = parse_target(target);
  EXPECT_TRUE(parsed.has_value()) << target;
  auto q = parse_listing_query(parsed->query, v, path);
  EXPECT_TRUE(q.ok()) << target << ": " << (q.ok() ? "" : q.error().message);
  return q.ok() ? *q : ListingQuery{};
}

std::string error(const char* target, ApiVersion v = {3, 8}, ApiPath path = ApiPath::V3) {
  auto q = parse_listing_query(parse_target(target)->query, v, path);
  if (q.ok()) return "<accepted>";
  EXPECT_EQ(q.error().status, 400);
  return q.error().message;
}

TEST(ListingParams, DefaultsAreCinders) {
  auto q = ok("/x?host=fakehost");
  EXPECT_EQ(q.host, "fakehost");
  EXPECT_EQ(q.limit, 1000u);
  EXPECT_EQ(q.offset, 0u);
  EXPECT_FALSE(q.marker.has_value());
  ASSERT_EQ(q.sort.size(), 1u);
  EXPECT_EQ(q.sort[0].field, SortField::Reference);
  EXPECT_FALSE(q.sort[0].ascending);
}

TEST(ListingParams, CinderclientEncodingIsDecoded) {
  auto q =
      ok("/x?host=myhost%40lvm&limit=2&marker=%7B%22source-name%22%3A+%22lvol0%22%7D&offset=1&sort=size%3Aasc%"
         "2Creference");
  EXPECT_EQ(q.host, "myhost@lvm");
  EXPECT_EQ(q.limit, 2u);
  EXPECT_EQ(q.offset, 1u);
  EXPECT_EQ(*q.marker, R"({"source-name": "lvol0"})");
  ASSERT_EQ(q.sort.size(), 2u);
  EXPECT_EQ(q.sort[0].field, SortField::Size);
  EXPECT_TRUE(q.sort[0].ascending);
  EXPECT_EQ(q.sort[1].field, SortField::Reference);
  EXPECT_FALSE(q.sort[1].ascending);
  EXPECT_EQ(ok("/x?host=h%40b%23pool").host, "h@b#pool");
}

TEST(ListingParams, HostAndClusterByMicroversion) {
  EXPECT_EQ(error("/x"), "Invalid input received: Host field is missing.");
  EXPECT_EQ(error("/x?host="), "Invalid input received: Host field is missing.");
  EXPECT_EQ(error("/x?cluster=b", {3, 16}), "Invalid input received: Host field is missing.");
  EXPECT_EQ(ok("/x?host=a&cluster=b", {3, 16}).cluster, "");
  EXPECT_EQ(ok("/x?cluster=b", {3, 17}).cluster, "b");
  EXPECT_EQ(error("/x?host=a&cluster=b", {3, 17}),
            "Invalid input received: One and only one of cluster and host must be set.");
  EXPECT_EQ(error("/x", {3, 17}), "Invalid input received: One and only one of cluster and host must be set.");
  EXPECT_EQ(ok("/x?host=first&host=last").host, "last");  // webob get(): last
}

TEST(ListingParams, LimitAndOffsetMessages) {
  EXPECT_EQ(error("/x?host=h&limit=abc"), "limit param must be an integer");
  EXPECT_EQ(error("/x?host=h&limit=1.5"), "limit param must be an integer");
  EXPECT_EQ(error("/x?host=h&limit="), "limit param must be an integer");
  EXPECT_EQ(error("/x?host=h&limit=-1"), "limit param must be positive");
  EXPECT_EQ(ok("/x?host=h&limit=5000").limit, 1000u);
  EXPECT_EQ(ok("/x?host=h&limit=0").limit, 0u);
  EXPECT_EQ(ok("/x?host=h&limit=+7").limit, 7u);
  EXPECT_EQ(ok("/x?host=h&limit=1_0").limit, 10u);
  EXPECT_EQ(ok("/x?host=h&limit=%207%20").limit, 7u);
  EXPECT_EQ(ok("/x?host=h&limit=99999999999999999999999").limit, 1000u);
  EXPECT_EQ(ok("/x?host=h&limit=3&limit=abc").limit, 3u);  // first occurrence
  EXPECT_EQ(error("/x?host=h&offset=-1"), "offset must be >= 0");
  EXPECT_EQ(error("/x?host=h&offset=abc"), "offset must be an integer");
  EXPECT_EQ(error("/x?host=h&offset=1.5"), "offset must be an integer");
  EXPECT_EQ(error("/x?host=h&offset=2147483648"), "offset must be <= 2147483647");
  EXPECT_EQ(ok("/x?host=h&offset=2147483647").offset, 2147483647u);
  // limit is checked before offset
  EXPECT_EQ(error("/x?host=h&offset=x&limit=y"), "limit param must be an integer");
}

TEST(ListingParams, SortMessages) {
  EXPECT_EQ(error("/x?host=h&sort=name"), "Invalid sort keys passed: name");
  EXPECT_EQ(error("/x?host=h&sort=size:up"), "Invalid sort dirs passed: up");
  EXPECT_EQ(error("/x?host=h&sort=size&sort_key=size"),
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  EXPECT_EQ(error("/x?host=h&sort=size&sort_dir=asc"),
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  EXPECT_EQ(error("/x?host=h&sort="), "Invalid sort keys passed: ");
  EXPECT_EQ(error("/x?host=h&sort=size:ASC"), "Invalid sort dirs passed: ASC");
  EXPECT_EQ(error("/x?host=h&sort_key=id"), "Invalid sort keys passed: id");
  // v3 collects invalid keys once each; the legacy path lists them in request order with repeats.
  EXPECT_EQ(error("/x?host=h&sort=id,name,id"), "Invalid sort keys passed: id, name");
  EXPECT_EQ(error("/x?host=h&sort=id,name,id", {3, 0}, ApiPath::Legacy), "Invalid sort keys passed: id, name, id");
  auto q = ok("/x?host=h&sort_dir=asc");
  ASSERT_EQ(q.sort.size(), 1u);
  EXPECT_EQ(q.sort[0].field, SortField::Reference);
  EXPECT_TRUE(q.sort[0].ascending);
  auto spaced = ok("/x?host=h&sort=+size+:+asc+,+reference");
  ASSERT_EQ(spaced.sort.size(), 2u);
  EXPECT_TRUE(spaced.sort[0].ascending);
  EXPECT_EQ(spaced.sort[1].field, SortField::Reference);
}

TEST(ListingParams, UnknownParametersAreIgnored) { EXPECT_EQ(ok("/x?host=h&foo=bar").host, "h"); }

}  // namespace
}  // namespace snapmgr::core::api
