// Recording adoptions in Cinder's info files, over a real local directory.
#include "adoption_records.hpp"

#include <gtest/gtest.h>

#include "local_share_dir.hpp"

namespace snapmgr::nfs {
namespace {

using testing::LocalShareDir;

const std::string kRecordVolume = "volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11";
const std::string kCinderId = "0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21";
const std::string kRecordSnapshot = kRecordVolume + "." + kCinderId;

class AdoptionRecordsTest : public ::testing::Test {
 protected:
  AdoptionRecordsTest() : naming_(*NamingScheme::create("volume-%s", "snapshot-%s")) {}
  Status record(const std::string& file, const std::string& id) {
    return record_adoption(dir_.share(), call_, naming_, kRecordVolume, file, id, "snapshot");
  }
  Status forget(const std::string& file, const std::string& id, std::string& note) {
    return forget_adoption(dir_.share(), call_, kRecordVolume, file, id, note);
  }

  LocalShareDir dir_;
  NamingScheme naming_;
  Call call_;
};

TEST_F(AdoptionRecordsTest, CreatesAMissingInfoFileWithTheVolumeActive) {
  ASSERT_TRUE(record(kRecordSnapshot, "new-id").ok());
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"),
            "{\n \"active\": \"" + kRecordVolume + "\",\n \"new-id\": \"" + kRecordSnapshot + "\"\n}");
  EXPECT_EQ(dir_.names(), std::vector<std::string>{kRecordVolume + ".info"});  // no temporary file left
}

TEST_F(AdoptionRecordsTest, KeepsEveryOtherKeyAndReleaseRestoresTheFile) {
  const std::string original = "{\n \"" + kCinderId + "\": \"" + kRecordSnapshot + "\",\n \"active\": \"" +
                               kRecordSnapshot + "\",\n \"z-extra\": {\"kept\":true}\n}";  // nested values: compact
  dir_.write(kRecordVolume + ".info", original);
  ASSERT_TRUE(record(kRecordSnapshot, "new-id").ok());  // Cinder's own record of kRecordSnapshot is no adoption
  auto info = VolumeInfo::parse(dir_.read(kRecordVolume + ".info"), "x");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->active(), kRecordSnapshot);
  EXPECT_EQ(info->ids_of(kRecordSnapshot), (std::vector<std::string>{kCinderId, "new-id"}));
  std::string note;
  ASSERT_TRUE(forget(kRecordSnapshot, "new-id", note).ok());
  EXPECT_EQ(note, "");
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"), original);
}

TEST_F(AdoptionRecordsTest, ASecondAdoptionFailsAndARetrySucceeds) {
  ASSERT_TRUE(record("hand-made", "first").ok());
  const std::string after_first = dir_.read(kRecordVolume + ".info");
  EXPECT_TRUE(record("hand-made", "first").ok());  // the same id again: a retry, no change
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"), after_first);
  auto second = record("hand-made", "second");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::AlreadyManaged);
  EXPECT_NE(second.error().message().find("already adopted as first"), std::string::npos) << second.error().message();
  auto reused = record("other-file", "first");
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code(), ErrorCode::AlreadyManaged);
  EXPECT_NE(reused.error().message().find("already records snapshot id first for 'hand-made'"), std::string::npos);
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"), after_first);
}

TEST_F(AdoptionRecordsTest, ReleaseLeavesForeignRecordsAlone) {
  dir_.write(kRecordVolume + ".info", "{\"active\": \"" + kRecordVolume + "\", \"id-1\": \"other\"}");
  const std::string before = dir_.read(kRecordVolume + ".info");
  std::string note;
  ASSERT_TRUE(forget("hand-made", "id-1", note).ok());
  EXPECT_NE(note.find("not to 'hand-made'"), std::string::npos) << note;
  ASSERT_TRUE(forget("hand-made", "id-2", note).ok());
  EXPECT_NE(note.find("has no key id-2"), std::string::npos) << note;
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"), before);
}

TEST_F(AdoptionRecordsTest, RefusesUnusableIdsAndInfoFiles) {
  for (const std::string& id : std::vector<std::string>{"", "active", "a/b", std::string(300, 'x')}) {
    auto st = record(kRecordSnapshot, id);
    ASSERT_FALSE(st.ok()) << id;
    EXPECT_EQ(st.error().code(), ErrorCode::BackendError);
  }
  EXPECT_FALSE(dir_.exists(kRecordVolume + ".info"));
  dir_.write(kRecordVolume + ".info", "[]");
  auto st = record(kRecordSnapshot, "id");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("does not hold a JSON object"), std::string::npos);
  EXPECT_EQ(dir_.read(kRecordVolume + ".info"), "[]");
}

}  // namespace
}  // namespace snapmgr::nfs
