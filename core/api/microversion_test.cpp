#include "core/api/microversion.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

TEST(Microversion, NoHeaderMeansMinimum) {
  auto v = requested_version({}, {});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->to_string(), "3.0");
}

TEST(Microversion, ReadsTheVolumeEntryOfTheStandardHeader) {
  EXPECT_EQ(requested_version({"volume 3.8"}, {})->to_string(), "3.8");
  EXPECT_EQ(requested_version({"compute 2.1, volume 3.17"}, {})->to_string(), "3.17");
  EXPECT_EQ(requested_version({"compute 2.1", "Volume  3.44 "}, {})->to_string(), "3.44");
  EXPECT_EQ(requested_version({"volume latest"}, {})->to_string(), "3.70");
}

TEST(Microversion, LegacyHeaderCountsOnlyWithoutAVolumeEntry) {
  EXPECT_EQ(requested_version({}, {"3.9"})->to_string(), "3.9");
  EXPECT_EQ(requested_version({"compute 2.1"}, {"3.9"})->to_string(), "3.9");
  EXPECT_EQ(requested_version({"volume 3.12"}, {"3.9"})->to_string(), "3.12");
}

TEST(Microversion, MalformedVersionIs400WithCindersText) {
  for (const char* bad : {"3.", "3.x", "03.1", "3.01", "abc", "", "3.8.1", "0.1", ".5", "1234567.0", "3.1234567"}) {
    auto v = requested_version({std::string("volume ") + bad}, {});
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().status, 400) << bad;
    EXPECT_EQ(v.error().message,
              std::string("API Version String ") + bad + " is of invalid format. Must be of format MajorNum.MinorNum.");
  }
}

TEST(Microversion, OutOfRangeIs406WithCindersText) {
  for (const char* high : {"3.71", "4.0", "2.0"}) {
    auto v = requested_version({std::string("volume ") + high}, {});
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().status, 406);
    EXPECT_EQ(v.error().message,
              std::string("Version ") + high + " is not supported by the API. Minimum is 3.0 and maximum is 3.70.");
  }
}

TEST(Microversion, OrderingAndHeaderValue) {
  EXPECT_LT((ApiVersion{3, 7}), kManageExistingList);
  EXPECT_LT((ApiVersion{3, 9}), (ApiVersion{3, 10}));  // numeric, not textual
  EXPECT_EQ(version_header_value({3, 8}), "volume 3.8");
}

}  // namespace
}  // namespace snapmgr::core::api
