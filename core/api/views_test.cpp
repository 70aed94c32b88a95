// Key sets and order of the views, against the API reference samples (the seed).
#include "core/api/views.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace snapmgr::core::api {
namespace {

std::vector<std::string> keys(const boost::json::object& o) {
  std::vector<std::string> out;
  for (const auto& m : o) out.emplace_back(m.key());
  return out;
}

SnapshotListingEntry entry() {
  SnapshotListingEntry e;
  e.reference = {{"source-name", "lvol0"}};
  e.size = 1;
  e.safe_to_manage = true;
  e.source_reference = {{"source-name", "volume-7c064b34-1e4b-40bd-93ca-4ac5a973661b"}};
  return e;
}

TEST(Views, ManageReplyHasExactlyTheNineKeys) {
  SnapshotRecord s;
  s.id = "b6314a71-9d3d-439a-861d-b790def0d693";
  s.volume_id = "1df34919-aba7-4a1b-a614-3b409d71ac03";
  s.status = "creating";
  s.size_gib = 1;
  s.created_at = "2018-09-26T03:45:03.893592";
  auto reply = snapshot_manage_reply(s);
  EXPECT_EQ(keys(reply), std::vector<std::string>{"snapshot"});
  const auto& o = reply.at("snapshot").as_object();
  EXPECT_EQ(keys(o), (std::vector<std::string>{"id", "created_at", "updated_at", "name", "description", "volume_id",
                                               "status", "size", "metadata"}));
  EXPECT_TRUE(o.at("updated_at").is_null());
  EXPECT_TRUE(o.at("name").is_null());
  EXPECT_TRUE(o.at("metadata").as_object().empty());
  EXPECT_EQ(o.at("size").as_int64(), 1);
}

TEST(Views, ManageableSnapshotSummaryAndDetailInCindersOrder) {
  auto summary = boost::json::parse(manageable_snapshots_body({entry()}, false)).as_object();
  const auto& s = summary.at("manageable-snapshots").as_array().at(0).as_object();
  EXPECT_EQ(keys(s), (std::vector<std::string>{"reference", "size", "safe_to_manage", "source_reference"}));
  auto e = entry();
  e.safe_to_manage = false;
  e.reason_not_safe = "already managed";
  e.cinder_id = "d0c84570-a01f-4579-9789-5e9f266587cd";
  auto detail = boost::json::parse(manageable_snapshots_body({e}, true)).as_object();
  const auto& d = detail.at("manageable-snapshots").as_array().at(0).as_object();
  EXPECT_EQ(keys(d), (std::vector<std::string>{"reference", "size", "safe_to_manage", "reason_not_safe", "extra_info",
                                               "cinder_id", "source_reference"}));
  EXPECT_TRUE(d.at("extra_info").is_null());
  EXPECT_EQ(d.at("reason_not_safe").as_string(), "already managed");
  EXPECT_EQ(d.at("reference").as_object().at("source-name").as_string(), "lvol0");
}

TEST(Views, ManageableVolumes) {
  VolumeListingEntry v;
  v.reference = {{"source-name", "vol"}};
  v.extra_info = snapmgr::StringMap{{"pool", "gold"}};
  auto detail = boost::json::parse(manageable_volumes_body({v}, true)).as_object();
  const auto& d = detail.at("manageable-volumes").as_array().at(0).as_object();
  EXPECT_EQ(keys(d), (std::vector<std::string>{"reference", "size", "safe_to_manage", "reason_not_safe", "cinder_id",
                                               "extra_info"}));
  EXPECT_EQ(d.at("extra_info").as_object().at("pool").as_string(), "gold");
  auto summary = boost::json::parse(manageable_volumes_body({v}, false)).as_object();
  EXPECT_EQ(keys(summary.at("manageable-volumes").as_array().at(0).as_object()),
            (std::vector<std::string>{"reference", "size", "safe_to_manage"}));
}

TEST(Views, SnapshotShowAddsAttributesByMicroversion) {
  SnapshotRecord s;
  s.id = "x";
  ViewContext old_ctx{"http://h", "p", {3, 0}, true};
  auto v30 = snapshot_view(s, old_ctx, true).at("snapshot").as_object();
  EXPECT_EQ(v30.size(), 11u);
  EXPECT_TRUE(v30.contains("os-extended-snapshot-attributes:progress"));
  EXPECT_FALSE(v30.contains("user_id"));
  ViewContext new_ctx{"http://h", "p", {3, 70}, true};
  auto v370 = snapshot_view(s, new_ctx, true).at("snapshot").as_object();
  EXPECT_TRUE(v370.contains("group_snapshot_id"));
  EXPECT_TRUE(v370.contains("user_id"));
  EXPECT_TRUE(v370.contains("consumes_quota"));
}

TEST(Views, VersionDocumentServesCinderclientDiscovery) {
  auto doc = versions_document("http://127.0.0.1:8776");
  const auto& v = doc.at("versions").as_array().at(0).as_object();
  EXPECT_EQ(v.at("id").as_string(), "v3.0");
  EXPECT_EQ(v.at("status").as_string(), "CURRENT");
  EXPECT_EQ(v.at("version").as_string(), "3.70");
  EXPECT_EQ(v.at("min_version").as_string(), "3.0");
  EXPECT_EQ(v.at("links").as_array().at(1).as_object().at("href").as_string(), "http://127.0.0.1:8776/v3/");
  EXPECT_TRUE(v.contains("media-types"));
  EXPECT_TRUE(v.contains("updated"));
}

TEST(Views, VolumeLinksFollowTheUrlProject) {
  VolumeRecord v;
  v.id = "vid";
  v.backend = "node1@fake1";
  v.pool = "fake1";
  auto admin = volume_view(v, ViewContext{"http://h:1", "p1", {3, 8}, true}).at("volume").as_object();
  EXPECT_EQ(admin.at("links").as_array().at(0).as_object().at("href").as_string(), "http://h:1/v3/p1/volumes/vid");
  EXPECT_EQ(admin.at("os-vol-host-attr:host").as_string(), "node1@fake1#fake1");
  EXPECT_EQ(admin.at("bootable").as_string(), "false");
  auto user = volume_view(v, ViewContext{"http://h:1", "", {3, 8}, false}).at("volume").as_object();
  EXPECT_FALSE(user.contains("os-vol-host-attr:host"));
  EXPECT_EQ(user.at("links").as_array().at(0).as_object().at("href").as_string(), "http://h:1/v3/volumes/vid");
}

}  // namespace
}  // namespace snapmgr::core::api
