#include "core/config/internal_secret.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("snapmgr-secret-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const auto path = (dir_ / "secret").string();
    std::ofstream(path, std::ios::trunc) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(SecretFile, TrailingNewlinesAreNotPartOfTheSecret) {
  auto secret = InternalSecret::load(write("0123456789abcdef-node-secret\n\n"));
  ASSERT_TRUE(secret) << secret.error();
  EXPECT_EQ(secret->value(), "0123456789abcdef-node-secret");
  EXPECT_TRUE(secret->matches("0123456789abcdef-node-secret"));
  EXPECT_FALSE(secret->matches("0123456789abcdef-node-secreT"));
  EXPECT_FALSE(secret->matches("0123456789abcdef-node-secret\n"));
  EXPECT_FALSE(secret->matches("0123456789abcdef-node-secre"));
  EXPECT_FALSE(secret->matches(""));
}

TEST_F(SecretFile, UnreadableEmptyOrShortFilesAreRefusedWithoutQuotingThem) {
  const std::string missing = (dir_ / "absent").string();
  auto absent = InternalSecret::load(missing);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error(), "internal_secret_file: cannot read '" + missing + "': No such file or directory");
  auto empty = InternalSecret::load(write(" \n"));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), "internal_secret_file: '" + (dir_ / "secret").string() + "' is empty");
  auto short_one = InternalSecret::load(write("tooShort15chars"));
  ASSERT_FALSE(short_one);
  EXPECT_NE(short_one.error().find("too short (at least 16 characters)"), std::string::npos);
  EXPECT_EQ(short_one.error().find("tooShort15chars"), std::string::npos) << "the secret is never quoted";
}

TEST_F(SecretFile, RequiredWithAPostgresqlCatalogOnly) {
  HostConfig sqlite;
  auto none = load_internal_secret(sqlite);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  HostConfig postgres;
  postgres.catalog = CatalogConfig{};
  auto required = load_internal_secret(postgres);
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().rfind("internal_secret_file: required with a PostgreSQL catalog", 0), 0u);
  postgres.internal_secret_file = write("a-secret-of-sixteen-or-more");
  auto loaded = load_internal_secret(postgres);
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE((*loaded)->matches("a-secret-of-sixteen-or-more"));
}

TEST(InternalSecretFileKey, IsATopLevelPathKeptAsWritten) {
  auto load = parse_host_config("internal_secret_file: etc/internal.secret\nbackends: []\n", "etc/test.yaml");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  EXPECT_EQ(load.config->internal_secret_file, "etc/internal.secret");
  auto empty = parse_host_config("backends: []\ninternal_secret_file: ''\n", "etc/test.yaml");
  ASSERT_EQ(empty.errors.size(), 1u);
  EXPECT_EQ(empty.errors[0].to_string(), "etc/test.yaml:2: internal_secret_file: must not be empty");
  auto wrong = parse_host_config("internal_secret_file: [a]\nbackends: []\n", "etc/test.yaml");
  ASSERT_EQ(wrong.errors.size(), 1u);
  EXPECT_NE(wrong.errors[0].to_string().find("internal_secret_file: expected a string"), std::string::npos)
      << wrong.errors[0].to_string();
}

}  // namespace
}  // namespace snapmgr::core
