#include "volume_info.hpp"

#include <gtest/gtest.h>

namespace snapmgr::nfs {
namespace {

TEST(VolumeInfo, ReadsCindersMap) {
  auto info =
      VolumeInfo::parse(R"({"active": "volume-1.s2", "s1": "volume-1.s1", "s2": "volume-1.s2"})", "volume-1.info");
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->active(), "volume-1.s2");
  EXPECT_EQ(info->ids_of("volume-1.s2"), std::vector<std::string>{"s2"});  // `active` is not an id
  EXPECT_TRUE(info->ids_of("volume-1").empty());
  EXPECT_EQ(info->file_of("s1").value_or(""), "volume-1.s1");
  EXPECT_FALSE(info->file_of("active"));
  EXPECT_FALSE(info->file_of("missing"));
}

TEST(VolumeInfo, WritesCindersFormat) {
  // Byte for byte what Cinder's json.dump(info, f, indent=1, sort_keys=True) writes.
  auto info = VolumeInfo::parse(R"({"zz": "volume-1.zz", "active": "volume-1.zz", "aa": "volume-1.aa"})", "x.info");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->serialize(),
            "{\n \"aa\": \"volume-1.aa\",\n \"active\": \"volume-1.zz\",\n \"zz\": \"volume-1.zz\"\n}");
  EXPECT_EQ(VolumeInfo::fresh("volume-2").serialize(), "{\n \"active\": \"volume-2\"\n}");
}

TEST(VolumeInfo, KeepsKeysItDoesNotUnderstand) {
  auto info = VolumeInfo::parse(R"({"active": "v", "meta": {"k": [1, 2]}, "n": 7, "q": "say \"hi\""})", "x.info");
  ASSERT_TRUE(info.ok());
  info->record("id-1", "v.s1");
  EXPECT_TRUE(info->forget("n"));
  EXPECT_FALSE(info->forget("active"));
  EXPECT_FALSE(info->forget("never-there"));
  auto again = VolumeInfo::parse(info->serialize(), "x.info");
  ASSERT_TRUE(again.ok()) << info->serialize();
  EXPECT_EQ(again->serialize(),
            "{\n \"active\": \"v\",\n \"id-1\": \"v.s1\",\n \"meta\": {\"k\":[1,2]},\n \"q\": \"say \\\"hi\\\"\"\n}");
  EXPECT_FALSE(again->file_of("meta"));  // not a string: never taken for a file
}

TEST(VolumeInfo, RejectsWhatCinderCouldNotHaveWritten) {
  for (const char* text : {"", "not json", "[1, 2]", "{\"s1\": \"f\"}", "{\"active\": 3}", "{\"active\": \"v\""}) {
    auto info = VolumeInfo::parse(text, "volume-9.info");
    ASSERT_FALSE(info.ok()) << text;
    EXPECT_NE(info.error().message().find("volume-9.info"), std::string::npos) << info.error().message();
  }
}

}  // namespace
}  // namespace snapmgr::nfs
