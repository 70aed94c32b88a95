#include "core/api/json_text.hpp"

#include <random>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace snapmgr::core::api {
namespace {

std::string ours(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonText, StringsAreWhatBoostJsonWrites) {
  const std::string samples[] = {"",
                                 "lvol0",
                                 "a\"b",
                                 "back\\slash",
                                 "tab\there",
                                 "nl\n",
                                 "\b\f\r",
                                 std::string("nul\0x", 5),
                                 "\x01\x1f\x7f",
                                 "caf\xc3\xa9 \xe2\x82\xac",
                                 "/path/to"};
  for (const auto& s : samples) EXPECT_EQ(ours(s), boost::json::serialize(boost::json::value(s))) << s;
  std::mt19937 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 128);  // ASCII, control characters included
    ASSERT_EQ(ours(s), boost::json::serialize(boost::json::value(s)));
  }
}

TEST(JsonText, NullAndObjects) {
  std::string out;
  append_json_nullable(out, std::optional<std::string>{});
  EXPECT_EQ(out, "null");
  out.clear();
  append_json_object(out, snapmgr::StringMap{{"source-name", "a\"b"}, {"share", "h:/e"}});
  EXPECT_EQ(out, R"({"share":"h:/e","source-name":"a\"b"})");  // StringMap keeps keys sorted
  out.clear();
  append_json_object(out, snapmgr::StringMap{});
  EXPECT_EQ(out, "{}");
}

}  // namespace
}  // namespace snapmgr::core::api
