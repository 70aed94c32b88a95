// LVM's naming rules and Cinder's naming scheme (lv_name.hpp). The tests on real lvm2
// (tests/lvm) show that lvm2 itself agrees with the limits used here.
#include "lv_name.hpp"

#include <gtest/gtest.h>

namespace snapmgr::lvm {
namespace {

bool valid(std::string_view lv, std::string_view vg = "vg0") { return lv_name_problem(lv, vg).empty(); }

TEST(LvName, AcceptsWhatLvmAccepts) {
  EXPECT_TRUE(valid("vol-a"));
  EXPECT_TRUE(valid("a+b.c_d-e"));
  EXPECT_TRUE(valid("_snapshot-1f0c55aa-54c1-4f1e-8d0f-6a3b2c1d0e9f"));  // Cinder's escaped name
  EXPECT_TRUE(valid("volume-0b7e8a7c-4a43-4e7e-9f5a-3d7d7d2f0c11"));
  EXPECT_TRUE(valid("x_vpool"));  // "_vpool" is not reserved
  EXPECT_TRUE(valid("..."));
  EXPECT_TRUE(valid(".hidden"));
  EXPECT_TRUE(valid("mysnapshot"));  // "snapshot" is reserved as a prefix only
}

TEST(LvName, RefusesHostileNamesWithAReason) {
  EXPECT_EQ(lv_name_problem("", "vg0"), "is empty");
  EXPECT_NE(lv_name_problem("a;b", "vg0").find("contains ';'"), std::string::npos);
  EXPECT_NE(lv_name_problem("$(reboot)", "vg0").find("contains '$'"), std::string::npos);
  EXPECT_NE(lv_name_problem("a b", "vg0").find("contains ' '"), std::string::npos);
  EXPECT_NE(lv_name_problem("a/b", "vg0").find("contains '/'"), std::string::npos);
  EXPECT_NE(lv_name_problem("../x", "vg0").find("contains '/'"), std::string::npos);
  EXPECT_NE(lv_name_problem(std::string("a\0b", 3), "vg0").find("a NUL byte"), std::string::npos);
  EXPECT_NE(lv_name_problem("a\nb", "vg0").find("'\\x0a'"), std::string::npos);
  EXPECT_NE(lv_name_problem("caf\xc3\xa9", "vg0").find("'\\xc3'"), std::string::npos);
  EXPECT_NE(lv_name_problem("-x", "vg0").find("starts with '-'"), std::string::npos);
  EXPECT_NE(lv_name_problem(".", "vg0").find("\".\""), std::string::npos);
  EXPECT_NE(lv_name_problem("..", "vg0").find("\"..\""), std::string::npos);
}

TEST(LvName, RefusesReservedPrefixesAndParts) {
  EXPECT_NE(lv_name_problem("snapshot-1", "vg0").find("starts with \"snapshot\""), std::string::npos);
  EXPECT_NE(lv_name_problem("snapshot0", "vg0").find("starts with \"snapshot\""), std::string::npos);
  EXPECT_NE(lv_name_problem("pvmove0", "vg0").find("starts with \"pvmove\""), std::string::npos);
  for (auto part : kReservedNameParts) {
    std::string name = "x" + std::string(part) + "y";
    EXPECT_NE(lv_name_problem(name, "vg0").find("contains \"" + std::string(part) + "\""), std::string::npos) << name;
  }
  EXPECT_FALSE(valid("tpool_tdata"));
  EXPECT_FALSE(valid("lvol0_pmspare"));
}

TEST(LvName, LengthLimitsCountTheVolumeGroup) {
  const std::string vg = "snapexp";               // 7 characters
  EXPECT_TRUE(valid(std::string(117, 'a'), vg));  // "snapexp/" + 117 = 125
  EXPECT_NE(lv_name_problem(std::string(118, 'a'), vg).find("at most 125 characters"), std::string::npos);
  EXPECT_NE(lv_name_problem(std::string(128, 'a'), "v").find("128 characters long; LVM allows at most 127"),
            std::string::npos);
  EXPECT_NE(lv_name_problem(std::string(1000, 'a'), "v").find("1000 characters long"), std::string::npos);
}

TEST(LvName, VolumeGroupNames) {
  EXPECT_TRUE(vg_name_problem("snapmgr_9e1670dc6f401c00").empty());
  EXPECT_TRUE(vg_name_problem("snapshot").empty());  // reserved for LVs only
  EXPECT_FALSE(vg_name_problem("vg/0").empty());
  EXPECT_FALSE(vg_name_problem("").empty());
  EXPECT_FALSE(vg_name_problem("-vg").empty());
  EXPECT_FALSE(vg_name_problem("..").empty());
}

TEST(LvName, QuotedEscapesAndShortens) {
  EXPECT_EQ(quote_name("vol-a"), "'vol-a'");
  EXPECT_EQ(quote_name(std::string("a\0b", 3)), "'a\\x00b'");
  EXPECT_EQ(quote_name("it's"), "'it\\x27s'");
  std::string shown = quote_name(std::string(1000, 'x'));
  EXPECT_EQ(shown, "'" + std::string(80, 'x') + "'... (1000 characters)");
}

TEST(LvName, CinderNaming) {
  EXPECT_EQ(expand_template("snapshot-%s", "abc"), "snapshot-abc");
  EXPECT_EQ(expand_template("volume-%s", "abc"), "volume-abc");
  EXPECT_EQ(expand_template("pre-%s-post", "1"), "pre-1-post");
  EXPECT_EQ(escape_snapshot_name("snapshot-abc"), "_snapshot-abc");
  EXPECT_EQ(escape_snapshot_name("snapshotabc"), "_snapshotabc");
  EXPECT_EQ(escape_snapshot_name("snap-abc"), "snap-abc");
  EXPECT_EQ(escape_snapshot_name("_snapshot-abc"), "_snapshot-abc");
}

}  // namespace
}  // namespace snapmgr::lvm
