// option_path() (snapmgr/options.hpp): how drivers name an option in an InvalidConfig message.
#include <string>

#include <gtest/gtest.h>

#include "snapmgr/options.hpp"

namespace snapmgr {
namespace {

TEST(OptionPath, NamesTheLineWhenItIsKnown) {
  EXPECT_EQ(option_path("shares[0]", OptionValue(3, 7)), "shares[0] (line 7)");
  EXPECT_EQ(option_path("chap.user", OptionValue("u", 1)), "chap.user (line 1)");
  OptionValue map(OptionValue::Map{{"name", OptionValue("lvol0", 12)}}, 11);
  EXPECT_EQ(option_path("snapshots[0].name", *map.find("name")), "snapshots[0].name (line 12)");
}

TEST(OptionPath, IsJustTheKeyWhenTheLineIsUnknown) {
  // Line 0: a default filled in by the host, or options built by a test.
  EXPECT_EQ(option_path("volume_group", OptionValue("vg0")), "volume_group");
  EXPECT_EQ(option_path("nfs_version", OptionValue()), "nfs_version");
}

TEST(OptionPath, AnAbsentOptionIsJustTheKey) {
  OptionValue options(OptionValue::Map{{"portals", OptionValue(OptionValue::List{}, 4)}});
  EXPECT_EQ(option_path("portals", options.find("portals")), "portals (line 4)");
  EXPECT_EQ(option_path("initiator_name", options.find("initiator_name")), "initiator_name");
  const OptionValue* none = nullptr;
  EXPECT_EQ(option_path("snapshot_target_pattern", none), "snapshot_target_pattern");
}

}  // namespace
}  // namespace snapmgr
