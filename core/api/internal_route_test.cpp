#include "core/api/internal_route.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

InternalSecret test_secret() {
  const auto path = std::filesystem::temp_directory_path() / ("snapmgr-route-" + std::to_string(::getpid()));
  std::ofstream(path) << "route-test-secret-0123456789\n";
  auto secret = InternalSecret::load(path.string());
  std::filesystem::remove(path);
  if (!secret) throw std::runtime_error(secret.error());
  return std::move(secret).value();
}

HttpRequest client_request() {
  HttpRequest r{boost::beast::http::verb::get, "/v3/p1/manageable_volumes?host=node2%40fake2", 11};
  r.set("Host", "node1.example:8776");
  r.set("X-Auth-Token", "alice-token");
  r.set("OpenStack-API-Version", "volume 3.8");
  r.set("X-Snapmgr-Is-Admin", "true");  // a client's own claim never travels
  return r;
}

TEST(InternalRoute, TheForwardedRequestCarriesTheCallerAndNotTheClientsCredentials) {
  Identity alice{"alice", "p1", {"member", "reader"}, false};
  const auto secret = test_secret();
  HttpRequest out = forwarded_request(client_request(), "/snapmgr/", secret, alice, "req-1");
  EXPECT_EQ(out.target(), "/snapmgr/internal/v3/p1/manageable_volumes?host=node2%40fake2");
  EXPECT_EQ(out.count("X-Auth-Token"), 0u);
  EXPECT_EQ(out["Host"], "node1.example:8776") << "links are rendered for the node the client asked";
  EXPECT_EQ(out["OpenStack-API-Version"], "volume 3.8");
  EXPECT_EQ(out[kInternalSecretHeader], "route-test-secret-0123456789");
  EXPECT_EQ(out[kInternalUserHeader], "alice");
  EXPECT_EQ(out[kInternalProjectHeader], "p1");
  EXPECT_EQ(out[kInternalRolesHeader], "member,reader");
  EXPECT_EQ(out[kInternalAdminHeader], "false");
  EXPECT_EQ(out[kRequestIdHeader], "req-1");
  EXPECT_FALSE(out.keep_alive());
}

TEST(InternalRoute, TheOwnerAcceptsOnlyTheSecretAndReadsTheCaller) {
  const auto secret = test_secret();
  const std::string id = "req-0a1b2c3d-0000-4000-8000-00000000abcd";
  HttpRequest in = forwarded_request(client_request(), "", secret, Identity{"alice", "p1", {"admin"}, true}, id);
  auto accepted = accept_forwarded(in, secret, "req-local");
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(accepted->identity.user_id, "alice");
  EXPECT_EQ(accepted->identity.project_id, "p1");
  EXPECT_EQ(accepted->identity.roles, std::vector<std::string>{"admin"});
  EXPECT_TRUE(accepted->identity.is_admin);
  EXPECT_EQ(accepted->request_id, id);

  in.set(kRequestIdHeader, "req-../../forged id");
  EXPECT_EQ(accept_forwarded(in, secret, "req-local")->request_id, "req-local");
  in.set(kInternalSecretHeader, "route-test-secret-012345678");
  auto wrong = accept_forwarded(in, secret, "req-local");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().status, 401);
  EXPECT_EQ(wrong.error().message.find("route-test-secret"), std::string::npos);
  in.erase(kInternalSecretHeader);
  EXPECT_EQ(accept_forwarded(in, secret, "req-local").error().status, 401);
}

TEST(InternalRoute, ThePrefixIsAWholeSegment) {
  EXPECT_TRUE(is_internal_path("/internal/v3/p1/volumes"));
  EXPECT_TRUE(is_internal_path("/internal"));
  EXPECT_FALSE(is_internal_path("/internals/v3"));
  EXPECT_FALSE(is_internal_path("/v3/internal"));
}

}  // namespace
}  // namespace snapmgr::core::api
