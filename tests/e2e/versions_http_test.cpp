// Version discovery, microversion headers and the headers every response carries
// (docs/cinder-compatibility.md §1.2, §1.3).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

void expect_common_headers(const Reply& r, const std::string& version) {
  EXPECT_THAT(r.header("x-openstack-request-id"),
              ::testing::MatchesRegex("req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
  EXPECT_EQ(r.header("OpenStack-API-Version"), "volume " + version);
  EXPECT_EQ(r.header("Vary"), "OpenStack-API-Version");
}

TEST(Versions, RootIs300WithTheVersionDocument) {
  auto r = admin_client().get("/", with(version("3.70"), {{"X-Auth-Token", ""}}));
  EXPECT_EQ(r.status, 300);
  auto v = r.json().at("versions").as_array().at(0);
  EXPECT_EQ(v.at("id").as_string(), "v3.0");
  EXPECT_EQ(v.at("status").as_string(), "CURRENT");
  EXPECT_EQ(v.at("version").as_string(), "3.70");
  EXPECT_EQ(v.at("min_version").as_string(), "3.0");
  EXPECT_EQ(keys(v),
            (std::vector<std::string>{"id", "status", "version", "min_version", "updated", "links", "media-types"}));
  EXPECT_EQ(v.at("links").as_array().at(1).at("href").as_string(),
            "http://127.0.0.1:" + std::to_string(main_daemon().port()) + "/v3/");
  expect_common_headers(r, "3.0");
}

TEST(Versions, V3RootIs200) {
  for (const char* path : {"/v3/", "/v3"}) {
    auto r = admin_client().get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.json().at("versions").as_array().at(0).at("version").as_string(), "3.70");
  }
  EXPECT_EQ(admin_client().send("DELETE", "/", "", {}).status, 405);
}

TEST(Versions, EffectiveVersionIsEchoedOnSuccessAndError) {
  auto none = admin_client().get("/v3/p1/snapshots");
  EXPECT_EQ(none.status, 200);
  expect_common_headers(none, "3.0");
  auto v38 = admin_client().get("/v3/p1/snapshots", version("3.8"));
  expect_common_headers(v38, "3.8");
  auto error = admin_client().get("/v3/p1/snapshots/no-such-id", version("3.17"));
  EXPECT_EQ(error.status, 404);
  expect_common_headers(error, "3.17");
  auto latest = admin_client().get("/v3/p1/snapshots", version("latest"));
  expect_common_headers(latest, "3.70");
  auto legacy = admin_client().get("/v3/p1/snapshots", {{"X-OpenStack-Volume-API-Version", "3.9"}});
  expect_common_headers(legacy, "3.9");
  auto two_services = admin_client().get("/v3/p1/snapshots", {{"OpenStack-API-Version", "compute 2.1, volume 3.12"}});
  expect_common_headers(two_services, "3.12");
}

TEST(Versions, AboveMaximumIs406) {
  auto r = admin_client().get("/v3/p1/os-snapshot-manage?host=node1@list1", version("3.71"));
  EXPECT_EQ(r.status, 406);
  EXPECT_EQ(r.fault_message("computeFault"),
            "Version 3.71 is not supported by the API. Minimum is 3.0 and maximum is 3.70.");
  expect_common_headers(r, "3.0");
  auto low = admin_client().get("/v3/p1/os-snapshot-manage?host=node1@list1", version("2.0"));
  EXPECT_EQ(low.status, 406);
  EXPECT_EQ(low.fault_message("computeFault"),
            "Version 2.0 is not supported by the API. Minimum is 3.0 and maximum is 3.70.");
}

TEST(Versions, MalformedVersionIs400) {
  for (const std::string bad : {"3.x", "3.", "3.08"}) {
    auto r = admin_client().get("/v3/p1/os-snapshot-manage?host=node1@list1", version(bad));
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.fault_message("badRequest"),
              "API Version String " + bad + " is of invalid format. Must be of format MajorNum.MinorNum.");
  }
}

TEST(Versions, RequestIdsAreUniqueAndLoggedWithTheAccessLine) {
  auto a = admin_client().get("/v3/p1/snapshots/detail");
  auto b = admin_client().get("/v3/p1/snapshots/detail");
  EXPECT_NE(a.header("x-openstack-request-id"), b.header("x-openstack-request-id"));
  // The access-log line carries the request id, method, target, status and duration.
  std::string log = main_daemon().log();
  const std::string line = a.header("x-openstack-request-id") + " GET /v3/p1/snapshots/detail 200 [0-9.]+ms";
  EXPECT_THAT(log, ::testing::ContainsRegex(line)) << log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
}

}  // namespace
}  // namespace snapmgr::e2e
