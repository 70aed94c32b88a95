// POST manage (both paths) and os-unmanage against a real snapmgrd: every status and message of
// docs/cinder-compatibility.md §2.6, §2.7 and §2.10, the API reference's response shapes, and the
// deliberate differences of §6.2–§6.4 (400 instead of 500, 409 for a duplicate adoption).
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kLegacyManage = "/v3/p1/os-snapshot-manage";
const std::string kManageV3 = "/v3/p1/manageable_snapshots";
// POSIX extended regular expressions, as GoogleTest's MatchesRegex takes them (whole-string match).
constexpr const char* kUuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
constexpr const char* kTimestamp = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}";

class ManageSnapshot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    volume_a_ = adopt_volume("node1@fake1", kVolumeA);
    ASSERT_EQ(wait_volume(volume_a_), "available");
  }

  static std::string body(const std::string& volume_id, const std::string& ref, const std::string& extra = "") {
    return R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": )" + ref + (extra.empty() ? "" : ", " + extra) +
           "}}";
  }

  static std::string error400(const std::string& body_text, const Headers& h = {}) {
    auto r = admin_client().post(kLegacyManage, body_text, h);
    EXPECT_EQ(r.status, 400) << body_text << " → " << r.body;
    return r.fault_message("badRequest");
  }

  static std::string volume_a_;
};

std::string ManageSnapshot::volume_a_;

const boost::json::value* find_entry(const boost::json::value& listing, const std::string& name) {
  for (const auto& e : listing.at("manageable-snapshots").as_array()) {
    if (e.at("reference").at("source-name").as_string() == name) return &e;
  }
  return nullptr;
}

TEST_F(ManageSnapshot, AdoptShowListUnmanageRoundTrip) {
  auto r =
      admin_client().post(kLegacyManage, body(volume_a_, R"({"source-name": "lvol0"})",
                                              R"("name": "new_snapshot", "description": "this is a new snapshot", )"
                                              R"("metadata": {"manage-snap-meta1": "value1"})"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto reply = r.json();
  EXPECT_EQ(keys(reply), std::vector<std::string>{"snapshot"});
  const auto& s = reply.at("snapshot");
  EXPECT_EQ(keys(s), (std::vector<std::string>{"id", "created_at", "updated_at", "name", "description", "volume_id",
                                               "status", "size", "metadata"}));
  const std::string id(s.at("id").as_string());
  EXPECT_THAT(id, ::testing::MatchesRegex(kUuid));
  EXPECT_THAT(std::string(s.at("created_at").as_string()), ::testing::MatchesRegex(kTimestamp));
  EXPECT_TRUE(s.at("updated_at").is_null());
  EXPECT_EQ(s.at("name").as_string(), "new_snapshot");
  EXPECT_EQ(s.at("description").as_string(), "this is a new snapshot");
  EXPECT_EQ(s.at("volume_id").as_string(), volume_a_);
  EXPECT_EQ(s.at("status").as_string(), "creating");
  EXPECT_EQ(s.at("size").as_int64(), 2);  // the volume's size until adoption completes (as Cinder)
  EXPECT_EQ(s.at("metadata").at("manage-snap-meta1").as_string(), "value1");

  ASSERT_EQ(wait_snapshot(id), "available");
  auto shown = admin_client().get("/v3/p1/snapshots/" + id);
  ASSERT_EQ(shown.status, 200);
  const auto& snap = shown.json().at("snapshot");
  EXPECT_EQ(snap.at("size").as_int64(), 1);  // lvol0 is 1 GiB
  EXPECT_EQ(snap.at("name").as_string(), "new_snapshot");
  EXPECT_EQ(snap.at("metadata").at("manage-snap-meta1").as_string(), "value1");
  EXPECT_EQ(snap.at("os-extended-snapshot-attributes:progress").as_string(), "0%");
  EXPECT_EQ(snap.at("os-extended-snapshot-attributes:project_id").as_string(), "p1");

  // Relisted: renamed to _snapshot-<id>, already managed, with its cinder_id.
  auto listed = admin_client().get(kLegacyManage + "/detail?host=node1@fake1");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto* entry = find_entry(listed.json(), "_snapshot-" + id);
  ASSERT_NE(entry, nullptr) << listed.body;
  EXPECT_FALSE(entry->at("safe_to_manage").as_bool());
  EXPECT_EQ(entry->at("reason_not_safe").as_string(), "already managed");
  EXPECT_EQ(entry->at("cinder_id").as_string(), id);

  auto unmanaged = admin_client().post("/v3/p1/snapshots/" + id + "/action", R"({"os-unmanage": null})");
  EXPECT_EQ(unmanaged.status, 202) << unmanaged.body;
  EXPECT_EQ(unmanaged.body, "");
  EXPECT_EQ(unmanaged.header("Content-Type"), "text/html; charset=UTF-8");
  EXPECT_EQ(wait_snapshot(id), "");  // gone: 404
  auto gone = admin_client().get("/v3/p1/snapshots/" + id);
  EXPECT_EQ(gone.fault_message("itemNotFound"), "Snapshot " + id + " could not be found.");
  auto relisted = admin_client().get(kLegacyManage + "/detail?host=node1@fake1");
  const auto* again = find_entry(relisted.json(), "_snapshot-" + id);
  ASSERT_NE(again, nullptr) << relisted.body;
  EXPECT_TRUE(again->at("safe_to_manage").as_bool());
  EXPECT_TRUE(again->at("cinder_id").is_null());
}

TEST_F(ManageSnapshot, V3PathNeedsMicroversion38BeforeValidation) {
  auto old = admin_client().post(kManageV3, R"({"bogus": 1})", version("3.7"));
  EXPECT_EQ(old.status, 404);
  EXPECT_EQ(old.fault_message("itemNotFound"), "The resource could not be found.");
  auto ok = admin_client().post(kManageV3, body(volume_a_, R"({"source-name": "lvol3"})"), version("3.8"));
  EXPECT_EQ(ok.status, 202) << ok.body;
  // A string ref means {"source-name": s}; name "" is kept.
  auto by_string = admin_client().post(kManageV3, body(volume_a_, R"("lvol4")", R"("name": "")"), version("3.8"));
  ASSERT_EQ(by_string.status, 202) << by_string.body;
  EXPECT_EQ(by_string.json().at("snapshot").at("name").as_string(), "");
  EXPECT_TRUE(by_string.json().at("snapshot").at("metadata").as_object().empty());
  EXPECT_EQ(wait_snapshot(std::string(by_string.json().at("snapshot").at("id").as_string())), "available");
}

TEST_F(ManageSnapshot, SchemaErrorsUseCindersMessages) {
  EXPECT_EQ(error400(R"({"snapshot": {"volume_id": "error_volume_id", "ref": {"source-name": "x"}}})"),
            "Invalid input for field/attribute volume_id. Value: error_volume_id. 'error_volume_id' is not a 'uuid'");
  EXPECT_EQ(error400(R"({"snapshot": {"volume_id": ")" + volume_a_ + R"("}})"),
            "Invalid input for field/attribute snapshot. Value: {'volume_id': '" + volume_a_ +
                "'}. 'ref' is a required property");
  EXPECT_EQ(error400(R"({"snapshot": {"ref": "x"}})"),
            "Invalid input for field/attribute snapshot. Value: {'ref': 'x'}. 'volume_id' is a required property");
  EXPECT_EQ(error400(R"({"error_snapshot": {}})"), "'snapshot' is a required property");
  EXPECT_EQ(error400(body(volume_a_, "5")),
            "Invalid input for field/attribute ref. Value: 5. 5 is not of type 'object', 'null', 'string'");
  EXPECT_EQ(error400(body(volume_a_, "[\"lvol0\"]")),
            "Invalid input for field/attribute ref. Value: ['lvol0']. ['lvol0'] is not of type 'object', 'null', "
            "'string'");
  std::string long_name(256, 'x');
  EXPECT_EQ(error400(body(volume_a_, "\"lvol0\"", R"("name": ")" + long_name + "\"")),
            "Invalid input for field/attribute name. Value: " + long_name + ". '" + long_name + "' is too long");
  std::string newline = error400(body(volume_a_, "\"lvol0\"", R"("description": "two\nlines")"));
  EXPECT_EQ(newline.rfind("Invalid input for field/attribute description. Value: two\nlines. 'two\\nlines' does not "
                          "match '^[\\\\ -\\\\~\\xa0",
                          0),
            0u)
      << newline;
  EXPECT_EQ(error400(body(volume_a_, "\"lvol0\"", R"("metadata": {"bad!": "x"})")),
            "Invalid input for field/attribute metadata. Value: {'bad!': 'x'}. 'bad!' does not match any of the "
            "regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'");
  EXPECT_EQ(error400(body(volume_a_, "\"lvol0\"", R"("size": 1)")).substr(0, 51),
            "Invalid input for field/attribute snapshot. Value: ");
  // Cinder answers 500 here (its schema has a bogus "type" property); we answer 400.
  EXPECT_EQ(error400(R"({"type": "object", "snapshot": {"volume_id": ")" + volume_a_ + R"(", "ref": "lvol0"}})"),
            "Additional properties are not allowed ('type' was unexpected)");
}

TEST_F(ManageSnapshot, TransportErrors) {
  const std::string generic =
      "The server could not comply with the request since it is either malformed or otherwise incorrect.";
  EXPECT_EQ(error400(""), generic);  // empty body: 400 (Cinder: 500 on this path)
  auto no_type = admin_client().send("POST", kLegacyManage, body(volume_a_, "\"lvol0\""), {});
  EXPECT_EQ(no_type.status, 400);
  EXPECT_EQ(no_type.fault_message("badRequest"), generic);  // the body is ignored without a Content-Type
  auto text = admin_client().post(kLegacyManage, body(volume_a_, "\"lvol0\""), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(text.fault_message("badMediaType"), "Unsupported Content-Type");
  EXPECT_EQ(error400("{\"snapshot\": {"), "Malformed request body");
  EXPECT_EQ(error400("not json"), "Malformed request body");
  auto vendor = admin_client().post(kLegacyManage, R"({"snapshot": {"volume_id": "bad", "ref": null}})",
                                    {{"Content-Type", "application/vnd.openstack.volume+json; charset=UTF-8"}});
  EXPECT_EQ(vendor.status, 400);  // the vendor media type is JSON too: the schema ran
  EXPECT_NE(vendor.fault_message("badRequest").find("'bad' is not a 'uuid'"), std::string::npos);
}

TEST_F(ManageSnapshot, VolumeLookupAndReferenceChecks) {
  const std::string missing = "0c1d2e3f-0000-4000-8000-000000000000";
  auto r = admin_client().post(kLegacyManage, body(missing, "\"lvol0\""));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.fault_message("itemNotFound"), "Volume " + missing + " could not be found.");
  std::string no_hyphens = volume_a_;
  no_hyphens.erase(std::remove(no_hyphens.begin(), no_hyphens.end(), '-'), no_hyphens.end());
  EXPECT_EQ(admin_client().post(kLegacyManage, body(no_hyphens, "\"lvol0\"")).status, 404);  // uuid-like, no such row
  // Checked synchronously (docs/cinder-compatibility.md §6.2): unknown object, empty reference,
  // another volume's snapshot.
  for (const std::string ref : {R"({"source-name": "no-such-snapshot"})", "null", "{}", R"("other0")"}) {
    auto bad = admin_client().post(kLegacyManage, body(volume_a_, ref));
    EXPECT_EQ(bad.status, 400) << ref << " → " << bad.body;
    EXPECT_FALSE(bad.fault_message("badRequest").empty());
  }
}

TEST_F(ManageSnapshot, SecondAdoptionOfTheSameObjectIs409) {
  const std::string volume = adopt_volume("node1@slowsnap", "volume-44444444-4444-4444-4444-444444444444");
  ASSERT_EQ(wait_volume(volume), "available");
  auto first = admin_client().post(kLegacyManage, body(volume, R"({"source-name": "contested"})"));
  ASSERT_EQ(first.status, 202) << first.body;
  // The first adoption is still running (3 s): the second loses with 409, and no second row exists.
  auto second = admin_client().post(kLegacyManage, body(volume, R"({"source-name": "contested"})"));
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_FALSE(second.fault_message("conflictingRequest").empty());
  const std::string id(first.json().at("snapshot").at("id").as_string());
  EXPECT_EQ(wait_snapshot(id), "available");
  auto rows = admin_client().get("/v3/p1/snapshots?volume_id=" + volume);
  EXPECT_EQ(rows.json().at("snapshots").as_array().size(), 1u) << rows.body;
  // Once adopted it is "already managed", under its new name too.
  auto third = admin_client().post(kLegacyManage, body(volume, R"({"source-name": "_snapshot-)" + id + R"("})"));
  EXPECT_EQ(third.status, 409) << third.body;
  // lvol2 on fake1: 3.2 GiB rounds up to 4.
  auto sized = admin_client().post(kLegacyManage, body(volume_a_, R"({"source-name": "lvol2"})"));
  ASSERT_EQ(sized.status, 202) << sized.body;
  const std::string sized_id(sized.json().at("snapshot").at("id").as_string());
  EXPECT_EQ(wait_snapshot(sized_id), "available");
  EXPECT_EQ(admin_client().get("/v3/p1/snapshots/" + sized_id).json().at("snapshot").at("size").as_int64(), 4);
}

TEST_F(ManageSnapshot, VolumeAndSnapshotStateRules) {
  const std::string slow = adopt_volume("node1@slow", "volume-slow");  // stays `creating` ~3 s
  auto creating = admin_client().post(kLegacyManage, body(slow, R"("slow-snap")"));
  EXPECT_EQ(creating.status, 400) << creating.body;
  EXPECT_EQ(creating.fault_message("badRequest"),
            "Invalid volume: Volume " + slow + " status must be available, in-use, but current status is: creating.");
  ASSERT_EQ(wait_volume(slow), "available");

  const std::string broken = adopt_volume("node1@broken", "volume-broken");  // adoption fails after the 202
  ASSERT_EQ(wait_volume(broken), "error");
  auto errored = admin_client().post(kLegacyManage, body(broken, R"("anything")"));
  EXPECT_EQ(errored.status, 400) << errored.body;
  EXPECT_EQ(errored.fault_message("badRequest"),
            "Invalid volume: The snapshot cannot be created when the volume is in error status.");

  auto adopted = admin_client().post(kLegacyManage, body(slow, R"("slow-snap")"));
  ASSERT_EQ(adopted.status, 202) << adopted.body;
  const std::string id(adopted.json().at("snapshot").at("id").as_string());
  auto busy = admin_client().post("/v3/p1/snapshots/" + id + "/action", R"({"os-unmanage": {}})");
  EXPECT_EQ(busy.status, 400) << busy.body;
  EXPECT_EQ(busy.fault_message("badRequest"),
            "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
  ASSERT_EQ(wait_snapshot(id), "available");
  EXPECT_EQ(admin_client().post("/v3/snapshots/" + id + "/action", R"({"os-unmanage": ""})").status, 202);
  EXPECT_EQ(wait_snapshot(id), "");
}

TEST_F(ManageSnapshot, UnmanageActionErrors) {
  const std::string missing = "0c1d2e3f-0000-4000-8000-000000000001";
  auto unknown = admin_client().post("/v3/p1/snapshots/" + missing + "/action", R"({"os-unmanage": null})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.fault_message("itemNotFound"), "Snapshot " + missing + " could not be found.");
  for (const std::string bad : {R"({"os-unmanage": null, "other": 1})", "{}", "[1]", "not json", ""}) {
    auto r = admin_client().post("/v3/p1/snapshots/" + missing + "/action", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.fault_message("badRequest"), "Malformed request body") << bad;
  }
  auto action = admin_client().post("/v3/p1/snapshots/" + missing + "/action", R"({"os-reset_status": {}})");
  EXPECT_EQ(action.status, 400);
  EXPECT_EQ(action.fault_message("badRequest"), "There is no such action: os-reset_status");
}

TEST_F(ManageSnapshot, VolumeManageRules) {
  auto missing_host = admin_client().post("/v3/p1/os-volume-manage", R"({"volume": {"ref": "x"}})");
  EXPECT_EQ(missing_host.status, 400);
  EXPECT_EQ(missing_host.fault_message("badRequest"), "Invalid input received: Host field is missing.");
  auto both =
      admin_client().post("/v3/p1/manageable_volumes",
                          R"({"volume": {"ref": "x", "host": "node1@fake1", "cluster": "c1"}})", version("3.16"));
  EXPECT_EQ(both.fault_message("badRequest"),
            "Invalid input received: One and only one of cluster and host must be set.");
  auto no_capability =
      admin_client().post("/v3/p1/os-volume-manage", R"({"volume": {"host": "node1@snaponly", "ref": "only-volume"}})");
  EXPECT_EQ(no_capability.status, 501) << no_capability.body;
  EXPECT_FALSE(no_capability.fault_message("notImplemented").empty());
  auto v37 =
      admin_client().post("/v3/p1/manageable_volumes", R"({"volume": {"ref": "x", "host": "h"}})", version("3.7"));
  EXPECT_EQ(v37.status, 404);
  // By cluster (≥ 3.16), then unmanage the volume.
  auto by_cluster = admin_client().post(
      "/v3/p1/manageable_volumes",
      R"({"volume": {"cluster": "c1", "ref": {"source-name": "volume-33333333-3333-3333-3333-333333333333"}, )"
      R"("name": "v3", "bootable": true}})",
      version("3.16"));
  ASSERT_EQ(by_cluster.status, 202) << by_cluster.body;
  const auto& v = by_cluster.json().at("volume");
  EXPECT_EQ(v.at("name").as_string(), "v3");
  EXPECT_EQ(v.at("bootable").as_string(), "true");
  const std::string id(v.at("id").as_string());
  ASSERT_EQ(wait_volume(id), "available");
  auto shown = admin_client().get("/v3/p1/volumes/" + id).json().at("volume");
  EXPECT_EQ(shown.at("size").as_int64(), 1);
  EXPECT_EQ(shown.at("os-vol-host-attr:host").as_string(), "node1@fake1#fake1");  // the default pool
  EXPECT_EQ(admin_client().post("/v3/p1/volumes/" + id + "/action", R"({"os-unmanage": null})").status, 202);
  EXPECT_EQ(wait_volume(id), "");
}

}  // namespace
}  // namespace snapmgr::e2e
