// GET manageable_snapshots / manageable_volumes (v3 and legacy paths): every status and message
// of docs/cinder-compatibility.md §2.1–§2.3 and the paging semantics of §2.4, against a real snapmgrd.
#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

const std::string kV3 = "/v3/p1/manageable_snapshots";
const std::string kLegacy = "/v3/p1/os-snapshot-manage";

std::vector<std::string> names(const Reply& r, const char* wrapper = "manageable-snapshots") {
  std::vector<std::string> out;
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return out;
  for (const auto& e : r.json().at(wrapper).as_array()) {
    out.emplace_back(e.at("reference").at("source-name").as_string());
  }
  return out;
}

std::string error400(const std::string& target, const Headers& h = version("3.8")) {
  auto r = admin_client().get(target, h);
  EXPECT_EQ(r.status, 400) << target << ": " << r.body;
  return r.fault_message("badRequest");
}

TEST(ListManageable, V3PathNeedsMicroversion38) {
  for (const std::string& path : {kV3, kV3 + "/detail"}) {
    for (const Headers& h : {Headers{}, version("3.7")}) {
      auto r = admin_client().get(path + "?host=node1@list1", h);
      EXPECT_EQ(r.status, 404) << path;
      EXPECT_EQ(r.fault_message("itemNotFound"), "The resource could not be found.");
    }
    EXPECT_EQ(admin_client().get(path + "?host=node1@list1", version("3.8")).status, 200);
  }
  // The legacy path works at every version, including the default 3.0.
  EXPECT_EQ(admin_client().get(kLegacy + "?host=node1@list1").status, 200);
  EXPECT_EQ(admin_client().get(kLegacy + "/detail?host=node1@list1").status, 200);
  // {project_id} may be left out.
  EXPECT_EQ(admin_client().get("/v3/manageable_snapshots?host=node1@list1", version("3.8")).status, 200);
}

TEST(ListManageable, SummaryAndDetailShapes) {
  auto summary = admin_client().get(kV3 + "?host=node1@list1", version("3.8"));
  ASSERT_EQ(summary.status, 200);
  auto body = summary.json();
  EXPECT_EQ(keys(body), std::vector<std::string>{"manageable-snapshots"});
  for (const auto& e : body.at("manageable-snapshots").as_array()) {
    EXPECT_EQ(keys(e), (std::vector<std::string>{"reference", "size", "safe_to_manage", "source_reference"}));
    EXPECT_TRUE(e.at("size").is_int64());
    EXPECT_TRUE(e.at("safe_to_manage").is_bool());
  }
  auto detail = admin_client().get(kLegacy + "/detail?host=node1@list1&sort=reference:asc");
  ASSERT_EQ(detail.status, 200);
  const auto& list = detail.json().at("manageable-snapshots").as_array();
  ASSERT_EQ(list.size(), 7u);
  for (const auto& e : list) {
    EXPECT_EQ(keys(e), (std::vector<std::string>{"reference", "size", "safe_to_manage", "reason_not_safe", "extra_info",
                                                 "cinder_id", "source_reference"}));
  }
  // vol01 safe; vol02 with extra_info; vol04 in use; vol06 with the driver's reason.
  EXPECT_EQ(list[0].at("reference").at("source-name").as_string(), "vol01");
  EXPECT_EQ(list[0].at("size").as_int64(), 3);
  EXPECT_TRUE(list[0].at("safe_to_manage").as_bool());
  EXPECT_TRUE(list[0].at("reason_not_safe").is_null());
  EXPECT_TRUE(list[0].at("cinder_id").is_null());
  EXPECT_EQ(list[0].at("source_reference").at("source-name").as_string(), "lv-a");
  EXPECT_EQ(list[1].at("extra_info").at("pool").as_string(), "gold");
  EXPECT_TRUE(list[0].at("extra_info").is_null());
  EXPECT_FALSE(list[3].at("safe_to_manage").as_bool());
  EXPECT_EQ(list[3].at("reason_not_safe").as_string(), "snapshot in use");
  EXPECT_EQ(list[5].at("reason_not_safe").as_string(), "replication target of a running job");
}

TEST(ListManageable, CindersPagingExamples) {
  // docs/cinder-compatibility.md §2.4: sort [size desc, reference asc].
  EXPECT_EQ(names(admin_client().get(kV3 + "?host=node1@list1&sort=size:desc,reference:asc", version("3.8"))),
            (std::vector<std::string>{"vol01", "vol02", "vol06", "vol04", "vol03", "vol05", "vol07"}));
  EXPECT_EQ(names(admin_client().get(kV3 + "?host=node1@list1&sort=size:desc,reference:asc&limit=3&offset=1"
                                           "&marker=%7B%22source-name%22%3A+%22vol02%22%7D",
                                     version("3.8"))),
            (std::vector<std::string>{"vol04", "vol03", "vol05"}));
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&limit=3")),
            (std::vector<std::string>{"vol07", "vol06", "vol05"}));
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&sort_dir=asc&limit=2")),
            (std::vector<std::string>{"vol01", "vol02"}));
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&limit=0")), std::vector<std::string>{});
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&limit=5000")).size(), 7u);
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&offset=6")), std::vector<std::string>{"vol01"});
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&foo=bar")).size(), 7u);  // unknown: ignored
  // host#pool addresses the backend.
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1%40list1%23pool")).size(), 7u);
}

TEST(ListManageable, HostAndClusterRules) {
  EXPECT_EQ(error400(kV3), "Invalid input received: Host field is missing.");
  EXPECT_EQ(error400(kV3 + "?host="), "Invalid input received: Host field is missing.");
  EXPECT_EQ(error400(kV3 + "?cluster=lc", version("3.16")), "Invalid input received: Host field is missing.");
  EXPECT_EQ(error400(kV3 + "/detail", version("3.17")),
            "Invalid input received: One and only one of cluster and host must be set.");
  EXPECT_EQ(error400(kV3 + "?host=node1@list1&cluster=lc", version("3.17")),
            "Invalid input received: One and only one of cluster and host must be set.");
  EXPECT_EQ(error400(kLegacy), "Invalid input received: Host field is missing.");
  EXPECT_EQ(names(admin_client().get(kV3 + "?host=node1@list1&cluster=nope", version("3.16"))).size(), 7u);
  EXPECT_EQ(names(admin_client().get(kV3 + "?cluster=lc", version("3.17"))).size(), 7u);
  EXPECT_EQ(names(admin_client().get(kLegacy + "?cluster=lc", version("3.17"))).size(), 7u);
}

TEST(ListManageable, PagingAndSortErrors) {
  const std::string base = kV3 + "?host=node1@list1&";
  EXPECT_EQ(error400(base + "limit=abc"), "limit param must be an integer");
  EXPECT_EQ(error400(base + "limit=1.5"), "limit param must be an integer");
  EXPECT_EQ(error400(base + "limit=-1"), "limit param must be positive");
  EXPECT_EQ(error400(base + "offset=-1"), "offset must be >= 0");
  EXPECT_EQ(error400(base + "offset=abc"), "offset must be an integer");
  EXPECT_EQ(error400(base + "offset=1.5"), "offset must be an integer");
  EXPECT_EQ(error400(base + "offset=2147483648"), "offset must be <= 2147483647");
  EXPECT_EQ(error400(base + "sort=name"), "Invalid sort keys passed: name");
  EXPECT_EQ(error400(base + "sort=size:up"), "Invalid sort dirs passed: up");
  EXPECT_EQ(error400(base + "sort=size&sort_key=size"),
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  EXPECT_EQ(error400(base + "sort="), "Invalid sort keys passed: ");
  EXPECT_EQ(error400(base + "sort=id"), "Invalid sort keys passed: id");
  EXPECT_EQ(error400(kLegacy + "?host=node1@list1&sort=id,name,id", {}), "Invalid sort keys passed: id, name, id");
}

TEST(ListManageable, MarkerErrorsArePrefixedOnlyOnTheV3Path) {
  EXPECT_EQ(error400(kV3 + "?host=node1@list1&marker=vol02"),
            "Invalid input received: marker vol02 can not be analysed, please use json like format");
  EXPECT_EQ(error400(kLegacy + "?host=node1@list1&marker=vol02", {}),
            "marker vol02 can not be analysed, please use json like format");
  std::string v3 = error400(kV3 + "?host=node1@list1&marker=%7B%22source-name%22%3A%22zzz%22%7D");
  EXPECT_EQ(v3.rfind("Invalid input received: marker not found: ", 0), 0u) << v3;
  std::string legacy = error400(kLegacy + "?host=node1@list1&marker=1234", {});
  EXPECT_EQ(legacy, "marker not found: 1234");
  // An empty marker is no marker.
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@list1&marker=")).size(), 7u);
}

TEST(ListManageable, BackendProblems) {
  auto unknown = admin_client().get(kV3 + "?host=node9@nothing", version("3.8"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.fault_message("itemNotFound"), "Service cinder-volume could not be found on host node9@nothing.");
  auto unknown_cluster = admin_client().get(kV3 + "?cluster=nope", version("3.17"));
  EXPECT_EQ(unknown_cluster.status, 404);
  EXPECT_EQ(unknown_cluster.fault_message("itemNotFound"), "Service cinder-volume could not be found.");
  auto disabled = admin_client().get(kLegacy + "?host=node1@off");
  EXPECT_EQ(disabled.status, 400);
  EXPECT_EQ(disabled.fault_message("badRequest"), "Service is unavailable at this time.");
  auto failing = admin_client().get(kLegacy + "?host=node1@broken");
  EXPECT_EQ(failing.status, 502);
  EXPECT_NE(failing.fault_message("computeFault").find("array offline"), std::string::npos) << failing.body;
  auto hanging = admin_client().get(kLegacy + "/detail?host=node1@hang");
  EXPECT_EQ(hanging.status, 504);
  EXPECT_FALSE(hanging.fault_message("computeFault").empty());
  // A driver without volume discovery: 501, never 500 or an empty list.
  auto missing = admin_client().get("/v3/p1/manageable_volumes?host=node1@snaponly", version("3.8"));
  EXPECT_EQ(missing.status, 501);
  EXPECT_FALSE(missing.fault_message("notImplemented").empty());
  EXPECT_EQ(names(admin_client().get(kLegacy + "?host=node1@snaponly")), std::vector<std::string>{"only-snap"});
}

TEST(ListManageable, ManageableVolumes) {
  auto summary = admin_client().get("/v3/p1/manageable_volumes?host=node1@list1&sort=reference:asc", version("3.8"));
  ASSERT_EQ(summary.status, 200) << summary.body;
  const auto& list = summary.json().at("manageable-volumes").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(keys(list[0]), (std::vector<std::string>{"reference", "size", "safe_to_manage"}));
  auto detail = admin_client().get("/v3/p1/os-volume-manage/detail?host=node1@list1&sort=reference:asc");
  ASSERT_EQ(detail.status, 200) << detail.body;
  const auto& d = detail.json().at("manageable-volumes").as_array();
  EXPECT_EQ(keys(d[1]), (std::vector<std::string>{"reference", "size", "safe_to_manage", "reason_not_safe", "cinder_id",
                                                  "extra_info"}));
  EXPECT_EQ(d[1].at("reason_not_safe").as_string(), "volume in use");
  EXPECT_EQ(admin_client().get("/v3/p1/manageable_volumes/detail?host=node1@list1", version("3.7")).status, 404);
}

}  // namespace
}  // namespace snapmgr::e2e
