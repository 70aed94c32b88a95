// The */metadata resources of volumes and snapshots over HTTP, with Cinder 2023.1's answers
// (cinder/api/v3/snapshot_metadata.py, cinder/api/v2/volume_metadata.py,
// cinder/api/schemas/volume_metadata.py, cinder/utils.py check_metadata_properties), and the
// volume's pool in os-vol-host-attr:host.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

constexpr const char* kMetaVolume = "volume-55555555-5555-5555-5555-555555555555";
constexpr const char* kMissing = "00000000-0000-4000-8000-00000000dead";

class MetadataHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A pool in the host is accepted, as before; the row records the backend's configured pool.
    volume_id_ = adopt_volume("node1@meta#gold", kMetaVolume);
    ASSERT_EQ(wait_volume(volume_id_), "available");
    auto r = admin_client().post("/v3/p1/os-snapshot-manage",
                                 R"({"snapshot": {"volume_id": ")" + volume_id_ +
                                     R"(", "ref": {"source-name": "meta-snap"}, "metadata": {"a": "1"}}})");
    ASSERT_EQ(r.status, 202) << r.body;
    snapshot_id_ = std::string(r.json().at("snapshot").at("id").as_string());
    ASSERT_EQ(wait_snapshot(snapshot_id_), "available");
  }

  static Reply call(const std::string& method, const std::string& path, const std::string& body = "") {
    return admin_client().send(method, "/v3/p1/" + path, body, body.empty() ? Headers{} : json_content());
  }
  static std::string snapshot_path(const std::string& rest = "") {
    return "snapshots/" + snapshot_id_ + "/metadata" + rest;
  }
  static std::string volume_path(const std::string& rest = "") { return "volumes/" + volume_id_ + "/metadata" + rest; }

  static void expect_fault(const Reply& r, int status, const std::string& fault, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.fault_message(fault), message) << r.body;
  }

  static inline std::string volume_id_;
  static inline std::string snapshot_id_;
};

TEST_F(MetadataHttp, TheVolumeShowsItsConfiguredPool) {
  auto shown = admin_client().get("/v3/p1/volumes/" + volume_id_);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json().at("volume").at("os-vol-host-attr:host").as_string(), "node1@meta#gold");
}

TEST_F(MetadataHttp, SnapshotMetadataMergesReplacesAndDeletes) {
  auto index = call("GET", snapshot_path());
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.json(), boost::json::parse(R"({"metadata": {"a": "1"}})"));
  auto merged = call("POST", snapshot_path(), R"({"metadata": {"b": "2", "a": "one"}})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json(), boost::json::parse(R"({"metadata": {"a": "one", "b": "2"}})"));
  // Cinder 2023.1 has no key schema for snapshots: any non-empty key up to 255 characters.
  auto replaced = call("PUT", snapshot_path(), R"({"metadata": {"c*d": "3"}, "ignored": true})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json(), boost::json::parse(R"({"metadata": {"c*d": "3"}})"));
  auto item = call("PUT", snapshot_path("/k"), R"({"meta": {"k": "v"}})");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json(), boost::json::parse(R"({"meta": {"k": "v"}})"));
  auto shown = call("GET", snapshot_path("/k"));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json(), boost::json::parse(R"({"meta": {"k": "v"}})"));
  auto deleted = call("DELETE", snapshot_path("/k"));
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, "");
  const std::string absent = "Snapshot " + snapshot_id_ + " has no metadata with key k.";
  expect_fault(call("GET", snapshot_path("/k")), 404, "itemNotFound", absent);
  expect_fault(call("DELETE", snapshot_path("/k")), 404, "itemNotFound", absent);
  EXPECT_EQ(call("GET", snapshot_path()).json(), boost::json::parse(R"({"metadata": {"c*d": "3"}})"));
  // The snapshot's own view carries the same metadata.
  EXPECT_EQ(admin_client().get("/v3/p1/snapshots/" + snapshot_id_).json().at("snapshot").at("metadata"),
            boost::json::parse(R"({"c*d": "3"})"));
}

TEST_F(MetadataHttp, SnapshotMetadataErrorsAreCinders) {
  const std::string missing = "Missing required element 'metadata' in request body.";
  for (const std::string body : {R"({"metadata": "x"})", R"({"meta": {"a": "b"}})", "[]", "{}", "null", R"(["x"])"}) {
    expect_fault(call("POST", snapshot_path(), body), 400, "badRequest", missing);
  }
  // Python's `"metadata" in body` raises TypeError for a number: wsgi answers webob's text.
  const std::string generic =
      "The server could not comply with the request since it is either malformed or otherwise incorrect.";
  expect_fault(call("PUT", snapshot_path(), "5"), 400, "badRequest", generic);
  expect_fault(call("POST", snapshot_path()), 400, "badRequest", generic);  // no body at all
  expect_fault(call("PUT", snapshot_path("/k"), R"({"metadata": {"k": "v"}})"), 400, "badRequest",
               "Missing required element 'meta' in request body.");
  expect_fault(call("POST", snapshot_path(), R"({"metadata": {"": "v"}})"), 400, "badRequest",
               "Invalid metadata: Invalid input received: Metadata key:  has 0 characters, less than 1.");
  expect_fault(call("POST", snapshot_path(), R"({"metadata": {"n": 5}})"), 400, "badRequest",
               "Invalid metadata: Invalid input received: Value for metadata key: n is not a string or unicode");
  const std::string long_key(256, 'k');
  auto too_long_key = call("POST", snapshot_path(), R"({"metadata": {")" + long_key + R"(": "v"}})");
  expect_fault(too_long_key, 413, "overLimit",
               "Invalid metadata size: Metadata property key " + long_key + " greater than 255 characters.");
  EXPECT_FALSE(too_long_key.json().at("overLimit").as_object().contains("retryAfter"));
  EXPECT_EQ(too_long_key.header("Retry-After"), "");
  expect_fault(call("PUT", snapshot_path(), R"({"metadata": {"v": ")" + std::string(256, 'x') + R"("}})"), 413,
               "overLimit", "Invalid metadata size: Metadata property key v value greater than 255 characters.");
  // 255 characters (here 255 two-byte code points) pass.
  std::string long_value;
  for (int i = 0; i < 255; ++i) long_value += "\xc3\xa9";
  EXPECT_EQ(call("POST", snapshot_path(), R"({"metadata": {"v": ")" + long_value + R"("}})").status, 200);
  expect_fault(call("PUT", snapshot_path("/k"), R"({"meta": {"other": "v"}})"), 400, "badRequest",
               "Request body and URI mismatch");
  expect_fault(call("PUT", snapshot_path("/k"), R"({"meta": {"k": "v", "j": "w"}})"), 400, "badRequest",
               "Request body contains too many items");
  // The body is checked before the snapshot is looked up.
  const std::string gone = std::string("Snapshot ") + kMissing + " could not be found.";
  const std::string other = std::string("snapshots/") + kMissing + "/metadata";
  expect_fault(call("POST", other, R"({"metadata": "x"})"), 400, "badRequest", missing);
  expect_fault(call("POST", other, R"({"metadata": {"k": "v"}})"), 404, "itemNotFound", gone);
  expect_fault(call("GET", other), 404, "itemNotFound", gone);
  expect_fault(call("GET", other + "/k"), 404, "itemNotFound", gone);
  expect_fault(call("DELETE", other + "/k"), 404, "itemNotFound", gone);
  EXPECT_EQ(call("DELETE", snapshot_path()).status, 405);
}

TEST_F(MetadataHttp, VolumeMetadataMergesReplacesAndDeletes) {
  auto created = call("POST", volume_path(), R"({"metadata": {"x": "1", "y": "2"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.json(), boost::json::parse(R"({"metadata": {"x": "1", "y": "2"}})"));
  auto merged = call("POST", volume_path(), R"({"metadata": {"y": "two"}})");
  EXPECT_EQ(merged.json(), boost::json::parse(R"({"metadata": {"x": "1", "y": "two"}})"));
  auto replaced = call("PUT", volume_path(), R"({"metadata": {"z": "3"}})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json(), boost::json::parse(R"({"metadata": {"z": "3"}})"));
  auto item = call("PUT", volume_path("/z"), R"({"meta": {"z": "4"}})");
  EXPECT_EQ(item.json(), boost::json::parse(R"({"meta": {"z": "4"}})"));
  EXPECT_EQ(call("GET", volume_path("/z")).json(), boost::json::parse(R"({"meta": {"z": "4"}})"));
  EXPECT_EQ(admin_client().get("/v3/p1/volumes/" + volume_id_).json().at("volume").at("metadata"),
            boost::json::parse(R"({"z": "4"})"));
  EXPECT_EQ(call("DELETE", volume_path("/z")).status, 200);
  expect_fault(call("GET", volume_path("/z")), 404, "itemNotFound",
               "Volume " + volume_id_ + " has no metadata with key z.");
  EXPECT_EQ(call("GET", volume_path()).json(), boost::json::parse(R"({"metadata": {}})"));
}

TEST_F(MetadataHttp, VolumeMetadataErrorsAreCindersSchemaMessages) {
  const std::string regexes = " does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'";
  expect_fault(call("POST", volume_path(), R"({"metadata": {"a*b": "v"}})"), 400, "badRequest",
               "Invalid input for field/attribute metadata. Value: {'a*b': 'v'}. 'a*b'" + regexes);
  const std::string long_key(256, 'k');
  expect_fault(
      call("PUT", volume_path(), R"({"metadata": {")" + long_key + R"(": "v"}})"), 400, "badRequest",
      "Invalid input for field/attribute metadata. Value: {'" + long_key + "': 'v'}. '" + long_key + "'" + regexes);
  const std::string long_value(256, 'x');
  expect_fault(call("POST", volume_path(), R"({"metadata": {"k": ")" + long_value + R"("}})"), 400, "badRequest",
               "Invalid input for field/attribute k. Value: " + long_value + ". '" + long_value + "' is too long");
  expect_fault(call("POST", volume_path(), R"({"metadata": "x"})"), 400, "badRequest",
               "Invalid input for field/attribute metadata. Value: x. 'x' is not of type 'object'");
  expect_fault(call("POST", volume_path(), R"({"meta": {}})"), 400, "badRequest", "'metadata' is a required property");
  expect_fault(call("POST", volume_path(), R"({"metadata": {}, "type": "x"})"), 400, "badRequest",
               "Additional properties are not allowed ('type' was unexpected)");
  expect_fault(call("PUT", volume_path(), "{}"), 400, "badRequest", "'metadata' is a required property");
  expect_fault(call("PUT", volume_path(), "[1]"), 400, "badRequest", "[1] is not of type 'object'");
  expect_fault(call("PUT", volume_path("/k"), R"({"meta": {}})"), 400, "badRequest",
               "Invalid input for field/attribute meta. Value: {}. {} does not have enough properties");
  expect_fault(call("PUT", volume_path("/k"), R"({"meta": {"k": "v", "j": "w"}})"), 400, "badRequest",
               "Invalid input for field/attribute meta. Value: {'k': 'v', 'j': 'w'}. {'k': 'v', 'j': 'w'} has too "
               "many properties");
  expect_fault(call("PUT", volume_path("/k"), R"({"meta": {"j": "w"}, "x": 1})"), 400, "badRequest",
               "Additional properties are not allowed ('x' was unexpected)");
  expect_fault(call("PUT", volume_path("/k"), R"({"meta": {"j": "w"}})"), 400, "badRequest",
               "Request body and URI mismatch");
  const std::string other = std::string("volumes/") + kMissing + "/metadata";
  const std::string gone = std::string("Volume ") + kMissing + " could not be found.";
  expect_fault(call("POST", other, R"({"metadata": {"k": "v"}})"), 404, "itemNotFound", gone);
  expect_fault(call("GET", other + "/k"), 404, "itemNotFound", gone);
  expect_fault(call("DELETE", other + "/k"), 404, "itemNotFound", gone);
  expect_fault(call("POST", other, R"({"metadata": {"a*b": "v"}})"), 400, "badRequest",
               "Invalid input for field/attribute metadata. Value: {'a*b': 'v'}. 'a*b'" + regexes);
}

}  // namespace
}  // namespace snapmgr::e2e
