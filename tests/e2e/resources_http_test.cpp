// Routing (404, 405, member routes), the URL project check, and the volumes/snapshots resources
// the clients need around manage (lookups by id and name, all_tenants).
#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

TEST(Routing, UnknownPathsAre404) {
  for (const std::string path : {"/v3/p1/widgets", "/v2/p1/volumes", "/nothing", "/v3/p1/volumes/a/b/c",
                                 "/v3/p1/manageable_snapshots/x/action"}) {
    auto r = admin_client().get(path, version("3.8"));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.fault_message("itemNotFound"), "The resource could not be found.") << path;
  }
}

TEST(Routing, MemberRoutesOfManageResourcesAre404) {
  for (const std::string method : {"GET", "PUT", "DELETE"}) {
    for (const std::string path :
         {"/v3/p1/manageable_snapshots/abc", "/v3/p1/os-snapshot-manage/abc", "/v3/p1/manageable_volumes/abc"}) {
      auto r = admin_client().send(method, path, "", version("3.8"));
      EXPECT_EQ(r.status, 404) << method << " " << path;
    }
  }
}

TEST(Routing, WrongMethodIs405) {
  struct Case {
    std::string method, path, allow;
  };
  for (const auto& c :
       {Case{"DELETE", "/v3/p1/manageable_snapshots", "GET, POST"},
        Case{"POST", "/v3/p1/manageable_snapshots/detail", "GET"}, Case{"PUT", "/v3/p1/volumes/abc", "GET"},
        Case{"GET", "/v3/p1/snapshots/abc/action", "POST"}, Case{"POST", "/v3/p1/snapshots", "GET"}}) {
    auto r = admin_client().send(c.method, c.path, "", version("3.8"));
    EXPECT_EQ(r.status, 405) << c.method << " " << c.path;
    EXPECT_EQ(r.fault_message("badMethod"), "The method " + c.method + " is not allowed for this resource.");
    EXPECT_EQ(r.header("Allow"), c.allow);
  }
}

TEST(Routing, UrlProjectMustBeTheCallers) {
  // Admins included, as Cinder.
  for (const std::string path : {"/v3/p2/manageable_snapshots?host=node1@list1", "/v3/p2/volumes"}) {
    auto r = admin_client().get(path, version("3.8"));
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.fault_message("badRequest"), "Malformed request url");
  }
  auto post = admin_client().post("/v3/other/os-snapshot-manage", R"({"snapshot": {}})");
  EXPECT_EQ(post.fault_message("badRequest"), "Malformed request url");
  // noauth's other spelling: x-user-id / x-project-id.
  ApiClient headers(main_daemon().port(), {{"x-user-id", "admin"}, {"x-project-id", "p2"}});
  EXPECT_EQ(headers.get("/v3/p2/volumes").status, 200);
  EXPECT_EQ(headers.get("/v3/p1/volumes").status, 400);
}

TEST(Resources, VolumesByIdNameAndTenant) {
  auto r = admin_client().post("/v3/p1/os-volume-manage",
                               R"({"volume": {"host": "node1@fake1", "ref": {"source-name": ")" +
                                   std::string(kVolumeB) + R"("}, "name": "named-b", "metadata": {"k": "v"}}})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id(r.json().at("volume").at("id").as_string());
  ASSERT_EQ(wait_volume(id), "available");

  auto by_name = admin_client().get("/v3/p1/volumes/detail?all_tenants=1&name=named-b");
  ASSERT_EQ(by_name.status, 200);
  const auto& volumes = by_name.json().at("volumes").as_array();
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(volumes[0].at("id").as_string(), id);
  EXPECT_EQ(volumes[0].at("metadata").at("k").as_string(), "v");
  EXPECT_EQ(admin_client().get("/v3/p1/volumes?name=no-such-name").json().at("volumes").as_array().size(), 0u);
  auto summary = admin_client().get("/v3/p1/volumes?name=named-b").json().at("volumes").as_array();
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(keys(summary[0]), (std::vector<std::string>{"id", "name", "links"}));

  // Another project's admin sees it only with all_tenants.
  ApiClient other(main_daemon().port(), {{"X-Auth-Token", "admin:p2"}});
  EXPECT_EQ(other.get("/v3/p2/volumes?name=named-b").json().at("volumes").as_array().size(), 0u);
  EXPECT_EQ(other.get("/v3/p2/volumes?name=named-b&all_tenants=1").json().at("volumes").as_array().size(), 1u);
  EXPECT_EQ(other.get("/v3/p2/volumes/" + id).status, 200);  // admins see every project's rows

  auto missing = admin_client().get("/v3/p1/volumes/0c1d2e3f-0000-4000-8000-000000000002");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.fault_message("itemNotFound"), "Volume 0c1d2e3f-0000-4000-8000-000000000002 could not be found.");

  auto unmanage_missing =
      admin_client().post("/v3/p1/volumes/0c1d2e3f-0000-4000-8000-000000000002/action", R"({"os-unmanage": null})");
  EXPECT_EQ(unmanage_missing.status, 404);
  auto two_keys = admin_client().post("/v3/p1/volumes/" + id + "/action", R"({"os-unmanage": null, "x": 1})");
  EXPECT_EQ(two_keys.fault_message("badRequest"), "Malformed request body");
}

TEST(Resources, SnapshotListsShowTheMicroversionKeys) {
  auto old = admin_client().get("/v3/p1/snapshots/detail");
  ASSERT_EQ(old.status, 200);
  EXPECT_TRUE(old.json().as_object().contains("snapshots"));
  for (const auto& s : old.json().at("snapshots").as_array()) {
    EXPECT_TRUE(s.as_object().contains("os-extended-snapshot-attributes:progress"));
    EXPECT_FALSE(s.as_object().contains("user_id"));
  }
  auto summary = admin_client().get("/v3/p1/snapshots", version("3.41"));
  ASSERT_EQ(summary.status, 200);
  for (const auto& s : summary.json().at("snapshots").as_array()) {
    EXPECT_TRUE(s.as_object().contains("user_id"));
    EXPECT_TRUE(s.as_object().contains("group_snapshot_id"));
    EXPECT_FALSE(s.as_object().contains("os-extended-snapshot-attributes:progress"));
  }
}

}  // namespace
}  // namespace snapmgr::e2e
