#include "core/api/auth.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

namespace http = boost::beast::http;

TEST(Auth, NoauthReadsTheTokenOrTheHeaders) {
  auto auth = Authenticator::noauth();
  http::fields h;
  h.set("X-Auth-Token", "alice:p1");
  auto id = auth.authenticate(h);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->user_id, "alice");
  EXPECT_EQ(id->project_id, "p1");
  EXPECT_TRUE(id->is_admin);
  h.set("X-Auth-Token", "bob");
  EXPECT_EQ(auth.authenticate(h)->project_id, "bob");
  http::fields headers;
  headers.set("x-user-id", "admin");
  headers.set("x-project-id", "p2");
  EXPECT_EQ(auth.authenticate(headers)->project_id, "p2");
  auto none = auth.authenticate(http::fields{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, 401);
}

TEST(Auth, TokensFileMapsTokensToCallers) {
  auto tokens = parse_tokens(R"(
admin-token: {user: root, project: p1, roles: [admin, member]}
member-token:
  user: carol
  project: p1
  roles: [member]
)",
                             "tokens.yaml");
  ASSERT_TRUE(tokens.ok()) << tokens.error();
  EXPECT_TRUE(tokens->at("admin-token").is_admin);
  EXPECT_FALSE(tokens->at("member-token").is_admin);
  EXPECT_EQ(tokens->at("member-token").user_id, "carol");
}

TEST(Auth, TokensFileErrorsNameFileLineAndToken) {
  auto expect_error = [](const std::string& text, const std::string& fragment) {
    auto t = parse_tokens(text, "tokens.yaml");
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_NE(t.error().find(fragment), std::string::npos) << t.error();
  };
  expect_error("a: {project: p}\n", "tokens.yaml:1: token 'a': missing 'user'");
  expect_error("a: {user: u, project: p}\nb: {user: u}\n", "tokens.yaml:2: token 'b': missing 'project'");
  expect_error("a: {user: u, project: p, roles: admin}\n", "'roles' must be a list of strings");
  expect_error("a: {user: u, project: p, role: [admin]}\n", "unknown key 'role'");
  expect_error("[a]\n", "expected a map of token");
  expect_error("a: {user: u\n", "not valid YAML");
}

TEST(Auth, TokensStrategyRejectsMissingAndUnknownTokens) {
  AuthConfig config;
  config.strategy = "tokens";
  config.tokens_file = "/nonexistent/tokens.yaml";
  auto missing = Authenticator::create(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "auth.tokens_file: cannot read '/nonexistent/tokens.yaml'");
}

}  // namespace
}  // namespace snapmgr::core::api
