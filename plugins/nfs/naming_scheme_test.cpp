#include "naming_scheme.hpp"

#include <gtest/gtest.h>

namespace snapmgr::nfs {
namespace {

const std::string kVolume = "volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11";
const std::string kSnapId = "0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21";

TEST(NamingScheme, CindersDefaults) {
  auto naming = NamingScheme::create("volume-%s", "snapshot-%s");
  ASSERT_TRUE(naming.ok()) << naming.error().message();
  EXPECT_TRUE(naming->is_volume_file(kVolume));
  EXPECT_FALSE(naming->is_volume_file(kVolume + ".info"));
  EXPECT_FALSE(naming->is_volume_file("volume-1"));
  EXPECT_FALSE(naming->is_volume_file("xvolume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11"));
  EXPECT_EQ(naming->cinder_overlay_volume(kVolume + "." + kSnapId).value_or(""), kVolume);
  EXPECT_FALSE(naming->cinder_overlay_volume(kVolume + ".info"));
  EXPECT_FALSE(naming->cinder_overlay_volume(kVolume));
  EXPECT_EQ(naming->snapshot_id_in_name(kVolume + "." + kSnapId, kVolume).value_or(""), kSnapId);
  EXPECT_EQ(naming->snapshot_id_in_name("snapshot-" + kSnapId, kVolume).value_or(""), kSnapId);
  EXPECT_FALSE(naming->snapshot_id_in_name("nightly.qcow2", kVolume));
  // Named after a snapshot of another volume: not this chain's creation record.
  EXPECT_FALSE(naming->snapshot_id_in_name("volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31." + kSnapId, kVolume));
  EXPECT_EQ(naming->volume_pattern(), "volume-<uuid>");
  EXPECT_EQ(NamingScheme::info_file_for(kVolume), kVolume + ".info");
}

TEST(NamingScheme, CustomTemplatesAreLiteralText) {
  auto naming = NamingScheme::create("vol.(%s).img", "snap+%s");
  ASSERT_TRUE(naming.ok()) << naming.error().message();
  EXPECT_TRUE(naming->is_volume_file("vol.(5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11).img"));
  EXPECT_FALSE(naming->is_volume_file("volX(5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11).img"));
  EXPECT_EQ(naming->snapshot_id_in_name("snap+" + kSnapId, "v").value_or(""), kSnapId);
}

TEST(NamingScheme, RejectsTemplatesThatCannotNameFiles) {
  for (const auto& [volume, snapshot, option] : {std::tuple{"volume-", "snapshot-%s", "volume_name_template"},
                                                 std::tuple{"%s-%s", "snapshot-%s", "volume_name_template"},
                                                 std::tuple{"dir/%s", "snapshot-%s", "volume_name_template"},
                                                 std::tuple{"volume-%s", ".%s", "snapshot_name_template"}}) {
    auto naming = NamingScheme::create(volume, snapshot);
    ASSERT_FALSE(naming.ok()) << volume << " " << snapshot;
    EXPECT_EQ(naming.error().code(), ErrorCode::InvalidConfig);
    EXPECT_NE(naming.error().message().find(option), std::string::npos) << naming.error().message();
  }
}

}  // namespace
}  // namespace snapmgr::nfs
