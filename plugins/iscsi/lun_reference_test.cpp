// Parsing references and iSCSI names (lun_reference.hpp, iscsi_names.hpp): everything here is
// decided before the backend is touched.
#include "lun_reference.hpp"

#include <gtest/gtest.h>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

const std::string kIqn = "iqn.2026-11.io.snapmgr:snap-vol-a-1";

TEST(LunReference, ParsesAddressAndDesignator) {
  auto r = parse_lun_reference({{"source-name", kIqn + "/12"}, {"source-id", "NAA.60000000000000000E00000000010001"}},
                               "snapshot reference");
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_TRUE(r->address);
  EXPECT_EQ(r->address->target, kIqn);
  EXPECT_EQ(r->address->lun, 12);
  EXPECT_EQ(r->designator.value_or(""), "naa.60000000000000000e00000000010001");  // canonical: lower case
}

TEST(LunReference, EitherKeyAloneIsEnough) {
  auto by_name = parse_lun_reference({{"source-name", kIqn + "/0"}}, "r");
  ASSERT_TRUE(by_name.ok());
  EXPECT_FALSE(by_name->designator);
  auto by_id = parse_lun_reference({{"source-id", "eui.0011223344556677"}}, "r");
  ASSERT_TRUE(by_id.ok());
  EXPECT_FALSE(by_id->address);
  EXPECT_EQ(*by_id->designator, "eui.0011223344556677");
}

TEST(LunReference, RejectsMalformedReferencesAsInvalidReference) {
  const std::vector<StringMap> bad = {
      {},
      {{"source-name", kIqn}},  // no LUN
      {{"source-name", kIqn + "/"}},
      {{"source-name", kIqn + "/16384"}},  // past flat addressing
      {{"source-name", kIqn + "/-1"}},
      {{"source-name", kIqn + "/1x"}},
      {{"source-name", "iqn.2026-11.x:a;rm -rf /1"}},  // not an iSCSI name
      {{"source-name", "../etc/passwd/1"}},
      {{"source-name", "target/1"}},  // no iqn./eui./naa. prefix
      {{"source-id", "naa.12"}},      // too short
      {{"source-id", "wwn-0x6000000000000000"}},
      {{"source-id", "naa.6000000000000000z0"}},
      {{"source-name", kIqn + "/1"}, {"lun", "1"}},  // unknown key
  };
  for (const auto& ref : bad) {
    auto r = parse_lun_reference(ref, "snapshot reference");
    ASSERT_FALSE(r.ok()) << describe(ref);
    EXPECT_EQ(r.error().code(), ErrorCode::InvalidReference) << describe(ref);
    EXPECT_EQ(r.error().message().rfind("snapshot reference", 0), 0u) << r.error().message();
  }
}

TEST(VolumeReference, ABareNameIsAVolumeName) {
  auto r = parse_volume_reference({{"source-name", "vol-a"}}, "volume reference");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->name.value_or(""), "vol-a");
  auto lun = parse_volume_reference(
      {{"source-name", "iqn.2026-11.io.snapmgr:vol-a/1"}, {"source-id", "naa.6000000000000001"}}, "volume reference");
  ASSERT_TRUE(lun.ok()) << lun.error().message();
  EXPECT_FALSE(lun->name);
  EXPECT_EQ(lun->lun.address->lun, 1);
}

TEST(VolumeReference, ANameCannotBeMixedWithADesignator) {
  auto r =
      parse_volume_reference({{"source-name", "vol-a"}, {"source-id", "naa.6000000000000001"}}, "volume reference");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidReference);
  EXPECT_FALSE(parse_volume_reference({{"source-name", std::string("a\nb")}}, "v").ok());
  EXPECT_FALSE(parse_volume_reference({{"source-name", ""}}, "v").ok());
}

TEST(CanonicalReference, CarriesSourceIdOnlyWhenKnown) {
  EXPECT_EQ(canonical_reference({kIqn, 3}, "naa.60"),
            (StringMap{{"source-name", kIqn + "/3"}, {"source-id", "naa.60"}}));
  EXPECT_EQ(canonical_reference({kIqn, 3}, ""), (StringMap{{"source-name", kIqn + "/3"}}));
}

TEST(IscsiNames, AcceptsTheThreeFormsAndComparesCaseInsensitively) {
  EXPECT_FALSE(iscsi_name_problem("iqn.2026-11.io.snapmgr:vol-a"));
  EXPECT_FALSE(iscsi_name_problem("eui.02004567A425678D"));
  EXPECT_FALSE(iscsi_name_problem("naa.52004567BA64678D0123456789ABCDEF"));
  EXPECT_TRUE(iscsi_name_problem("iqn.26-11.io.snapmgr:x"));
  EXPECT_TRUE(iscsi_name_problem("eui.123"));
  EXPECT_TRUE(iscsi_name_problem(std::string(300, 'a')));
  EXPECT_TRUE(same_iscsi_name("IQN.2026-11.IO.snapmgr:Vol", "iqn.2026-11.io.snapmgr:vol"));
  EXPECT_FALSE(same_iscsi_name("iqn.2026-11.io.snapmgr:vol", "iqn.2026-11.io.snapmgr:vol2"));
}

TEST(IscsiNames, FormatsDesignatorBytesAsLowerCaseHex) {
  const unsigned char bytes[] = {0x60, 0x0a, 0xff, 0x01};
  EXPECT_EQ(format_designator("naa", bytes, sizeof bytes), "naa.600aff01");
}

}  // namespace
}  // namespace snapmgr::iscsi
