// Parsing lvm2's JSON report (lvs_report.hpp) and what each kind of LV becomes (lv_kind.hpp).
// The rows use lv_attr strings as lvm2 2.03 prints them (lvs(8)); the tests on real lvm2
// (tests/lvm) check the kinds lvm2 can produce on this machine.
#include <gtest/gtest.h>

#include "lv_kind.hpp"
#include "lvs_report.hpp"

namespace snapmgr::lvm {
namespace {

std::string row(const std::string& name, const std::string& attr, const std::string& origin = "",
                const std::string& pool = "", const std::string& size = "4194304", const std::string& tags = "") {
  return R"({"lv_name":")" + name + R"(", "lv_size":")" + size + R"(", "lv_attr":")" + attr + R"(", "origin":")" +
         origin + R"(", "lv_uuid":"uuid-)" + name + R"(", "pool_lv":")" + pool + R"(", "lv_tags":")" + tags + R"("})";
}

std::string report(const std::vector<std::string>& rows) {
  std::string s = R"(  {
      "report": [
          {
              "lv": [)";
  for (std::size_t i = 0; i < rows.size(); ++i) s += (i ? ",\n" : "\n") + rows[i];
  return s + "\n]}]}\n";
}

LvRow lv(const std::string& name, const std::string& attr, const std::string& origin = "",
         const std::string& pool = "") {
  auto rows = parse_lvs_report(report({row(name, attr, origin, pool)}));
  EXPECT_TRUE(rows.ok()) << rows.error().message();
  return rows.ok() && !rows->empty() ? rows->front() : LvRow{};
}

TEST(LvsReport, ParsesEveryField) {
  auto rows = parse_lvs_report(report({row("vol-a", "owi-XXs---", "", "", "67108864", "owner=tests,x"),
                                       row("snap-a1", "swi-XXs---", "vol-a", "", "8388608")}));
  ASSERT_TRUE(rows.ok()) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u);
  const LvRow& a = (*rows)[0];
  EXPECT_EQ(a.name, "vol-a");
  EXPECT_EQ(a.size_bytes, 67108864u);
  EXPECT_EQ(a.attr, "owi-XXs---");
  EXPECT_EQ(a.origin, "");
  EXPECT_EQ(a.uuid, "uuid-vol-a");
  EXPECT_EQ(a.tags, "owner=tests,x");
  EXPECT_EQ((*rows)[1].origin, "vol-a");
  EXPECT_EQ((*rows)[1].size_bytes, 8388608u);
}

TEST(LvsReport, EmptyVolumeGroupAndLogMemberAreFine) {
  auto empty = parse_lvs_report(R"({"report":[{"lv":[]}]})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto with_log = parse_lvs_report(R"({"report":[{"lv":[)" + row("a", "-wi-a-----") + R"(]}],"log":[]})");
  ASSERT_TRUE(with_log.ok()) << with_log.error().message();
  EXPECT_EQ(with_log->size(), 1u);
  auto huge = parse_lvs_report(report({row("a", "-wi-a-----", "", "", "18446744073709551615")}));
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->front().size_bytes, 18446744073709551615u);
}

TEST(LvsReport, RejectsAnythingElseSayingWhat) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{
           {"", "unparsable JSON"},
           {"Volume group not found", "unparsable JSON"},
           {R"({"report": [{"lv": [)", "unparsable JSON"},
           {"[]", "without a \"report\" array"},
           {R"({"lvs": []})", "without a \"report\" array"},
           {R"({"report": {}})", "without a \"report\" array"},
           {R"({"report": [{"vg": []}]})", "without an \"lv\" array"},
           {R"({"report": [{"lv": [42]}]})", "row 0 is not an object"},
           {R"({"report": [{"lv": [{"lv_name": "a"}]}]})", "row 0 has no \"lv_size\" field"},
           {report({row("a", "-wi-a-----", "", "", "4.00")}), "lv_size \"4.00\", expected a whole number of bytes"},
           {report({row("a", "-wi-a-----", "", "", "4m")}), "lv_size \"4m\""},
           {report({row("a", "-wi-a-----", "", "", "")}), "lv_size \"\""},
           {report({row("a", "-wi-a-----", "", "", "-1")}), "lv_size \"-1\""},
           {report({row("a", "-wi-a-----", "", "", "99999999999999999999")}), "lv_size \"99999999999999999999\""},
           {report({row("a", "-wi")}), "lv_attr \"-wi\", expected at least 6"},
           {report({row("", "-wi-a-----")}), "empty lv_name"},
           {R"({"report": [{"lv": [{"lv_name": 7, "lv_size": "1"}]}]})", "\"lv_name\" is not a string but 7"},
       }) {
    auto rows = parse_lvs_report(c.text);
    ASSERT_FALSE(rows.ok()) << c.text;
    EXPECT_EQ(rows.error().code(), ErrorCode::BackendError);
    EXPECT_NE(rows.error().message().find(c.expected), std::string::npos) << rows.error().message();
  }
}

TEST(LvKind, SnapshotsVolumesAndEverythingElse) {
  EXPECT_EQ(classify(lv("snap", "swi-a-s---", "vol")), LvKind::ThickSnapshot);
  EXPECT_EQ(classify(lv("merging", "Swi-a-s---", "vol")), LvKind::ThickSnapshot);
  EXPECT_EQ(classify(lv("tsnap", "Vwi-a-tz-k", "thin", "pool")), LvKind::ThinSnapshot);
  EXPECT_EQ(classify(lv("thin", "Vwi-a-tz--", "", "pool")), LvKind::Volume);
  for (const char* attr : {"-wi-a-----", "owi-a-s---", "Owi-a-s---", "mwi-a-m---", "Mwi-a-m---", "rwi-a-r---",
                           "Rwi-a-r---", "vwi-a-v---"}) {
    EXPECT_EQ(classify(lv("v", attr)), LvKind::Volume) << attr;
  }
  EXPECT_EQ(classify(lv("cached", "Cwi-a-C---", "", "cpool")), LvKind::Volume);
  EXPECT_EQ(classify(lv("cpool", "Cwi---C---")), LvKind::Other);
  for (const char* attr : {"twi-a-tz--", "Twi-ao----", "ewi-ao----", "iwi-aor---", "Iwi-aor---", "lwi-aom---",
                           "pwi-a-----", "dwi-a-----", "Dwi-ao----", "cwi-a-----"}) {
    EXPECT_EQ(classify(lv("x", attr)), LvKind::Other) << attr;
  }
  EXPECT_EQ(classify(lv("[tpool_tdata]", "-wi-ao----")), LvKind::Other);
  EXPECT_EQ(classify(lv("[hidden_snap]", "swi-a-s---", "vol")), LvKind::Other);
}

TEST(LvKind, DescriptionsNameTheKind) {
  EXPECT_EQ(describe(lv("tpool", "twi-XXtz--")), "a thin pool (lv_attr twi-XXtz--)");
  EXPECT_EQ(describe(lv("s", "swi-XXs---", "vol-a")), "a classic snapshot of 'vol-a' (lv_attr swi-XXs---)");
  EXPECT_EQ(describe(lv("t", "Vwi-XXtz-k", "thin-vol", "tpool")), "a thin snapshot of 'thin-vol' (lv_attr Vwi-XXtz-k)");
  EXPECT_EQ(describe(lv("v", "-wi-XX----")), "a volume (lv_attr -wi-XX----)");
  EXPECT_EQ(describe(lv("[x_tdata]", "Twi-XX----")), "a hidden LVM-internal volume (lv_attr Twi-XX----)");
  EXPECT_EQ(describe(lv("cp", "Cwi---C---")), "a cache pool (lv_attr Cwi---C---)");
}

TEST(LvKind, SnapshotRecordsCarryRawFacts) {
  ManageableSnapshot thick = to_snapshot_record(lv("snap-a1", "swi-XXs---", "vol-a"));
  EXPECT_EQ(thick.reference, (StringMap{{"source-name", "snap-a1"}}));
  EXPECT_EQ(thick.source_reference, (StringMap{{"source-name", "vol-a"}}));
  EXPECT_EQ(thick.size_bytes, 4194304u);
  EXPECT_FALSE(thick.in_use);
  EXPECT_FALSE(thick.reason);
  EXPECT_EQ(thick.extra_info, (StringMap{{"type", "thick"}, {"lv_uuid", "uuid-snap-a1"}}));

  ManageableSnapshot thin = to_snapshot_record(lv("thin-snap", "Vwi-aotz-k", "thin-vol", "tpool"));
  EXPECT_TRUE(thin.in_use);
  EXPECT_EQ(thin.extra_info, (StringMap{{"type", "thin"}, {"lv_uuid", "uuid-thin-snap"}, {"pool", "tpool"}}));

  EXPECT_EQ(to_snapshot_record(lv("m", "Swi-a-s---", "vol")).reason.value_or(""),
            "snapshot is being merged into its origin");
  EXPECT_EQ(to_snapshot_record(lv("i", "swi-I-s---", "vol")).reason.value_or(""),
            "snapshot is invalid (its copy-on-write store overflowed)");
  EXPECT_FALSE(to_snapshot_record(lv("a", "swi-a-s---", "vol")).in_use);
  EXPECT_TRUE(to_snapshot_record(lv("o", "swi-aos---", "vol")).in_use);
}

TEST(LvKind, VolumeRecordsCarryRawFacts) {
  auto rows = parse_lvs_report(report({row("vol-a", "owi-aos---", "", "", "67108864", "owner=tests")}));
  ASSERT_TRUE(rows.ok());
  ManageableVolume v = to_volume_record(rows->front());
  EXPECT_EQ(v.reference, (StringMap{{"source-name", "vol-a"}}));
  EXPECT_EQ(v.size_bytes, 67108864u);
  EXPECT_TRUE(v.in_use);
  EXPECT_EQ(v.extra_info, (StringMap{{"type", "thick"}, {"lv_uuid", "uuid-vol-a"}, {"tags", "owner=tests"}}));
  EXPECT_EQ(*to_volume_record(lv("thin", "Vwi-a-tz--", "", "pool")).extra_info.find("type"), "thin");
  EXPECT_EQ(*to_volume_record(lv("vdo", "vwi-a-v---")).extra_info.find("type"), "vdo");
  EXPECT_FALSE(to_volume_record(lv("x", "-wi-XX----")).in_use);
}

}  // namespace
}  // namespace snapmgr::lvm
