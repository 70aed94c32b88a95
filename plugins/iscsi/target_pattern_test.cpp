// The named-group convention on top of std::regex (target_pattern.hpp).
#include "target_pattern.hpp"

#include <gtest/gtest.h>

namespace snapmgr::iscsi {
namespace {

TEST(RewriteNamedGroups, TurnsBothSpellingsIntoNumberedGroups) {
  std::map<std::string, std::size_t> groups;
  auto r = rewrite_named_groups(R"(a(?<origin>x+)(b)(?P<tail>y))", groups);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, "a(x+)(b)(y)");
  EXPECT_EQ(groups.at("origin"), 1u);
  EXPECT_EQ(groups.at("tail"), 3u);
}

TEST(RewriteNamedGroups, LeavesEscapesClassesAndNonCapturingGroupsAlone) {
  std::map<std::string, std::size_t> groups;
  auto r = rewrite_named_groups(R"(\((?:a)[(](?=b)(?<n>c)\\(d))", groups);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, R"(\((?:a)[(](?=b)(c)\\(d))");
  EXPECT_EQ(groups.at("n"), 1u);  // \( [(] (?: (?= are not capturing groups
}

TEST(RewriteNamedGroups, RejectsWhatItCannotExpress) {
  std::map<std::string, std::size_t> groups;
  auto dup = rewrite_named_groups("(?<a>x)(?<a>y)", groups);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message().find("'a' appears twice"), std::string::npos);
  groups.clear();
  auto named_backref = rewrite_named_groups(R"((?<a>x)\k<a>)", groups);
  ASSERT_FALSE(named_backref.ok());
  EXPECT_NE(named_backref.error().message().find("\\k<...>"), std::string::npos);
  groups.clear();
  auto unclosed = rewrite_named_groups("(?<a-b>x)", groups);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().message().find("offset 0"), std::string::npos);
  groups.clear();
  EXPECT_FALSE(rewrite_named_groups("[abc", groups).ok());
}

TEST(TargetPattern, MatchesWholeIqnsAndReturnsNamedGroups) {
  auto p = TargetPattern::compile("snapshot_target_pattern", R"(iqn\.2026-11\.io\.snapmgr:snap-(?<origin>.+)-[0-9]+)");
  ASSERT_TRUE(p.ok()) << p.error().message();
  auto m = p->match("iqn.2026-11.io.snapmgr:snap-vol-a-12");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("origin"), "vol-a");                                   // greedy .+ still leaves "-12" to the suffix
  EXPECT_FALSE(p->match("iqn.2026-11.io.snapmgr:snap-vol-a-12:extra"));  // full match only
  EXPECT_FALSE(p->match("iqn.2026-11.io.snapmgr:vol-a"));
  EXPECT_TRUE(p->has_group("origin"));
  EXPECT_FALSE(p->has_group("name"));
}

TEST(TargetPattern, NumberedBackreferencesCountNamedGroups) {
  auto p = TargetPattern::compile("x", R"((?P<first>[a-z]+)-\1)");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_TRUE(p->match("ab-ab"));
  EXPECT_FALSE(p->match("ab-cd"));
}

TEST(TargetPattern, AGroupOutsideTheMatchIsEmpty) {
  auto p = TargetPattern::compile("x", "a(?<opt>b)?c");
  ASSERT_TRUE(p.ok());
  auto m = p->match("ac");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("opt"), "");
}

TEST(TargetPattern, InvalidRegexNamesTheOption) {
  auto p = TargetPattern::compile("volume_target_pattern", "(?<name>unclosed");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), ErrorCode::InvalidConfig);
  EXPECT_NE(p.error().message().find("volume_target_pattern '(?<name>unclosed'"), std::string::npos)
      << p.error().message();
}

}  // namespace
}  // namespace snapmgr::iscsi
