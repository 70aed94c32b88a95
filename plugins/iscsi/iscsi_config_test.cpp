// The iscsi driver's options (iscsi_config.hpp) and how they sort targets (target_naming.hpp).
#include "iscsi_config.hpp"

#include <gtest/gtest.h>

#include "target_naming.hpp"

namespace snapmgr::iscsi {
namespace {

OptionValue options(OptionValue::Map extra) {
  OptionValue::Map m = {{"portals", OptionValue(OptionValue::List{OptionValue("127.0.0.1:3261")}, 3)}};
  for (auto& kv : extra) m.push_back(std::move(kv));
  return OptionValue(std::move(m));
}

std::string error_of(const OptionValue& o) {
  auto r = parse_iscsi_options(o);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidConfig);
  return r.error().message();
}

TEST(IscsiConfig, DefaultsApply) {
  auto r = parse_iscsi_options(options({}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->portals, std::vector<std::string>{"127.0.0.1:3261"});
  EXPECT_EQ(r->initiator_name, kDefaultInitiatorName);
  EXPECT_FALSE(r->chap);
  EXPECT_EQ(r->command_timeout.count(), 30);
  EXPECT_EQ(r->max_parallel_logins, 4);
}

TEST(IscsiConfig, PortalsGetThePortDefaultAndMustBeHostPort) {
  auto r = parse_iscsi_options(OptionValue(
      OptionValue::Map{{"portals", OptionValue(OptionValue::List{OptionValue("san1.example"), OptionValue("[::1]:3262"),
                                                                 OptionValue("10.0.0.1:3263")})}}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->portals, (std::vector<std::string>{"san1.example:3260", "[::1]:3262", "10.0.0.1:3263"}));

  for (const char* bad : {"", "host:", "host:0", "host:65536", "::1:3260", "[::1", "ho st:1", "h:1,1"}) {
    auto msg =
        error_of(OptionValue(OptionValue::Map{{"portals", OptionValue(OptionValue::List{OptionValue(bad, 7)})}}));
    EXPECT_NE(msg.find("portals[0] (line 7)"), std::string::npos) << bad << ": " << msg;
  }
  EXPECT_NE(error_of(OptionValue(OptionValue::Map{{"portals", OptionValue(OptionValue::List{})}})).find("non-empty"),
            std::string::npos);
  auto twice = error_of(OptionValue(
      OptionValue::Map{{"portals", OptionValue(OptionValue::List{OptionValue("h"), OptionValue("h:3260")})}}));
  EXPECT_NE(twice.find("listed twice"), std::string::npos) << twice;
}

TEST(IscsiConfig, ChapNeedsUserAndPasswordAndNeverEchoesThePassword) {
  auto ok = parse_iscsi_options(
      options({{"chap", OptionValue(OptionValue::Map{{"user", "u"}, {"password", "s3cret-pw-123"}})}}));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->chap->user, "u");
  EXPECT_EQ(ok->chap->password, "s3cret-pw-123");

  auto missing = error_of(options({{"chap", OptionValue(OptionValue::Map{{"password", "s3cret-pw-123"}}, 9)}}));
  EXPECT_NE(missing.find("chap.user (line 9): missing"), std::string::npos) << missing;
  EXPECT_EQ(missing.find("s3cret"), std::string::npos);
  auto unknown =
      error_of(options({{"chap", OptionValue(OptionValue::Map{{"user", "u"}, {"secret", "s3cret-pw-123"}})}}));
  EXPECT_NE(unknown.find("chap.secret"), std::string::npos);
  EXPECT_EQ(unknown.find("s3cret-pw"), std::string::npos);
  auto typed =
      error_of(options({{"chap", OptionValue(OptionValue::Map{{"user", "u"}, {"password", OptionValue(1234567)}})}}));
  EXPECT_NE(typed.find("chap.password"), std::string::npos);
  EXPECT_EQ(typed.find("1234567"), std::string::npos);
}

TEST(IscsiConfig, SnapshotPatternNeedsAnOriginGroup) {
  auto msg = error_of(options({{"snapshot_target_pattern", OptionValue(".*:snap-(.+)", 5)}}));
  EXPECT_NE(msg.find("snapshot_target_pattern (line 5)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no named group 'origin'"), std::string::npos) << msg;
  auto bad = error_of(options({{"volume_target_pattern", OptionValue("(?<name>x", 6)}}));
  EXPECT_NE(bad.find("volume_target_pattern '(?<name>x'"), std::string::npos) << bad;
  EXPECT_NE(bad.find("(line 6)"), std::string::npos) << bad;
}

TEST(IscsiConfig, BoundsAndNames) {
  EXPECT_NE(error_of(options({{"command_timeout_s", OptionValue(0, 4)}}))
                .find("command_timeout_s (line 4): expected 1..3600, found 0"),
            std::string::npos);
  EXPECT_NE(error_of(options({{"max_parallel_logins", OptionValue(65)}})).find("max_parallel_logins"),
            std::string::npos);
  EXPECT_NE(error_of(options({{"initiator_name", OptionValue("initiator")}})).find("initiator_name"),
            std::string::npos);
}

TEST(TargetNaming, SnapshotPatternWinsAndVolumesAreNamed) {
  auto config = parse_iscsi_options(options({
      {"snapshot_target_pattern", OptionValue(R"(iqn\.2026-11\.io\.snapmgr:snap-(?<origin>.+)-[0-9]+)")},
      {"volume_target_pattern", OptionValue(R"(iqn\.2026-11\.io\.snapmgr:(?<name>vol-.+))")},
  }));
  ASSERT_TRUE(config.ok()) << config.error().message();
  auto snap = classify_target(*config, "iqn.2026-11.io.snapmgr:snap-vol-a-2");
  EXPECT_EQ(snap.kind, TargetKind::Snapshot);
  EXPECT_EQ(snap.name, "vol-a");
  auto vol = classify_target(*config, "iqn.2026-11.io.snapmgr:vol-a");
  EXPECT_EQ(vol.kind, TargetKind::Volume);
  EXPECT_EQ(vol.name, "vol-a");
  EXPECT_EQ(classify_target(*config, "iqn.2026-11.io.snapmgr:other").kind, TargetKind::Ignored);

  auto defaults = parse_iscsi_options(options({}));
  ASSERT_TRUE(defaults.ok());
  // Default volume pattern ".*": every non-snapshot target is a volume named by its last component.
  auto other = classify_target(*defaults, "iqn.2026-11.io.snapmgr:other");
  EXPECT_EQ(other.kind, TargetKind::Volume);
  EXPECT_EQ(other.name, "other");
  EXPECT_EQ(classify_target(*defaults, "iqn.2026-11.io.snapmgr:snap-vol-a-1").kind, TargetKind::Snapshot);
}

}  // namespace
}  // namespace snapmgr::iscsi
