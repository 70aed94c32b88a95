#include "nfs_options.hpp"

#include <filesystem>

#include <gtest/gtest.h>

namespace snapmgr::nfs {
namespace {

OptionValue options(OptionValue::List shares, OptionValue::Map more = {}) {
  OptionValue::Map map{{"shares", OptionValue(std::move(shares))}};
  for (auto& item : more) map.push_back(std::move(item));
  return OptionValue(std::move(map));
}

TEST(NfsOptions, TellsNfsSharesFromDirectories) {
  auto nfs = parse_share("127.0.0.1:/export");
  ASSERT_TRUE(nfs.ok());
  EXPECT_TRUE(nfs->is_nfs);
  EXPECT_EQ(nfs->server, "127.0.0.1");
  EXPECT_EQ(nfs->export_path, "/export");
  auto v6 = parse_share("[::1]:/srv/nfs");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->server, "[::1]");
  auto local = parse_share("/srv/nfs//shares/");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->is_nfs);
  EXPECT_EQ(local->directory, "/srv/nfs/shares");
  auto relative = parse_share("var/nfs-demo");
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->directory, (std::filesystem::current_path() / "var/nfs-demo").string());
  EXPECT_EQ(relative->text, "var/nfs-demo");
  EXPECT_FALSE(parse_share("host:/a b?x").ok());
  EXPECT_FALSE(parse_share("").ok());
}

TEST(NfsOptions, DefaultsAndValues) {
  auto config = parse_nfs_options(options({"srv:/export"}));
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->nfs_version, 4);
  EXPECT_FALSE(config->nfs_port);
  EXPECT_EQ(config->command_timeout, std::chrono::seconds(30));
  auto set = parse_nfs_options(
      options({"srv:/export", "/srv/local"}, {{"nfs_version", 3}, {"nfs_port", 12049}, {"command_timeout_s", 5}}));
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_EQ(set->shares.size(), 2u);
  EXPECT_EQ(set->nfs_version, 3);
  EXPECT_EQ(set->nfs_port.value_or(0), 12049);
  EXPECT_EQ(set->command_timeout, std::chrono::seconds(5));
}

TEST(NfsOptions, RejectsUnusableValuesNamingTheKey) {
  const std::pair<OptionValue, std::string> cases[] = {
      {OptionValue(OptionValue::Map{}), "shares"},
      {options({}), "shares"},
      {options({OptionValue(3, 7)}), "shares[0] (line 7)"},
      {options({"srv:/export", "srv:/export"}), "listed twice"},
      {options({"/srv/a", "/srv/a/"}), "listed twice"},
      {options({"srv:/e"}, {{"nfs_version", OptionValue(2, 9)}}), "nfs_version (line 9)"},
      {options({"srv:/e"}, {{"nfs_port", 0}}), "nfs_port"},
      {options({"srv:/e"}, {{"nfs_port", 70000}}), "nfs_port"},
      {options({"srv:/e"}, {{"command_timeout_s", 0}}), "command_timeout_s"},
      {options({"srv:/e"}, {{"volume_name_template", "volume"}}), "volume_name_template"},
  };
  for (const auto& [value, expected] : cases) {
    auto config = parse_nfs_options(value);
    ASSERT_FALSE(config.ok()) << expected;
    EXPECT_EQ(config.error().code(), ErrorCode::InvalidConfig);
    EXPECT_NE(config.error().message().find(expected), std::string::npos) << config.error().message();
  }
}

}  // namespace
}  // namespace snapmgr::nfs
