// Cinder's POST-body validation messages (docs/cinder-compatibility.md §2.6, §5.3), first error wins.
#include "core/api/body_schemas.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/api/uuid_like.hpp"
#include "core/common/echoed.hpp"
#include "core/python_compat/unicode_tables.hpp"

namespace snapmgr::core::api {
namespace {

constexpr const char* kVolume = "1df34919-aba7-4a1b-a614-3b409d71ac03";

std::string snapshot_error(const std::string& json) {
  auto r = parse_manage_snapshot_body(boost::json::parse(json));
  if (r.ok()) return "<accepted>";
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

std::string snapshot_with(const std::string& members) {
  return R"({"snapshot": {"volume_id": ")" + std::string(kVolume) + R"(", "ref": {"source-name": "lvol0"})" +
         (members.empty() ? "" : ", " + members) + "}}";
}

TEST(ManageSnapshotBody, TheApiReferenceSampleIsAccepted) {
  auto r = parse_manage_snapshot_body(boost::json::parse(
      R"({"snapshot": {"description": null, "metadata": null, "ref": {"source-name": "lvol0"}, "name": null,
          "volume_id": "1df34919-aba7-4a1b-a614-3b409d71ac03"}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->volume_id, kVolume);
  EXPECT_EQ(r->ref, (snapmgr::StringMap{{"source-name", "lvol0"}}));
  EXPECT_FALSE(r->name.has_value());
  EXPECT_FALSE(r->description.has_value());
  EXPECT_TRUE(r->metadata.empty());
}

TEST(ManageSnapshotBody, RootErrorsAreBareMessages) {
  EXPECT_EQ(snapshot_error("{}"), "'snapshot' is a required property");
  EXPECT_EQ(snapshot_error("[1]"), "[1] is not of type 'object'");
  EXPECT_EQ(snapshot_error("null"), "None is not of type 'object'");
  EXPECT_EQ(snapshot_error(R"({"error_snapshot": {}})"), "'snapshot' is a required property");
  EXPECT_EQ(snapshot_error(snapshot_with("").replace(0, 1, R"({"foo": 1, )")),
            "Additional properties are not allowed ('foo' was unexpected)");
  // Deliberate difference: Cinder crashes (500) on a top-level "type" key.
  EXPECT_EQ(snapshot_error(snapshot_with("").replace(0, 1, R"({"type": "object", )")),
            "Additional properties are not allowed ('type' was unexpected)");
}

TEST(ManageSnapshotBody, FieldErrorsNameTheFieldAndItsValue) {
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"volume_id": "error_volume_id", "ref": {}}})"),
            "Invalid input for field/attribute volume_id. Value: error_volume_id. 'error_volume_id' is not a 'uuid'");
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"volume_id": ")" + std::string(kVolume) + R"("}})"),
            "Invalid input for field/attribute snapshot. Value: {'volume_id': '" + std::string(kVolume) +
                "'}. 'ref' is a required property");
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"ref": "x"}})"),
            "Invalid input for field/attribute snapshot. Value: {'ref': 'x'}. 'volume_id' is a required property");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("size": 1)")),
            "Invalid input for field/attribute snapshot. Value: {'volume_id': '" + std::string(kVolume) +
                "', 'ref': {'source-name': 'lvol0'}, 'size': 1}. Additional properties are not allowed ('size' was "
                "unexpected)");
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"volume_id": ")" + std::string(kVolume) + R"(", "ref": 5}})"),
            "Invalid input for field/attribute ref. Value: 5. 5 is not of type 'object', 'null', 'string'");
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"volume_id": ")" + std::string(kVolume) + R"(", "ref": [1]}})"),
            "Invalid input for field/attribute ref. Value: [1]. [1] is not of type 'object', 'null', 'string'");
  EXPECT_EQ(snapshot_error(R"({"snapshot": {"volume_id": 7, "ref": "x"}})"),
            "Invalid input for field/attribute volume_id. Value: 7. 7 is not of type 'string'");
}

TEST(ManageSnapshotBody, AHugeValueIsQuotedOnlyInPart) {
  // A 900 KB name came back twice, as a 1.8 MB message; ordinary sizes read exactly as Cinder's.
  const std::string huge(900 * 1024, 'n');
  const std::string message = snapshot_error(snapshot_with(R"("name": ")" + huge + "\""));
  const std::string shown = std::string(kEchoLimit, 'n') + "...(921600 bytes)";
  const std::string shown_repr = "'" + std::string(kEchoLimit - 1, 'n') + "...(921602 bytes)";
  EXPECT_EQ(message, "Invalid input for field/attribute name. Value: " + shown + ". " + shown_repr + " is too long");
  EXPECT_LT(message.size(), 4 * kEchoLimit);
  const std::string huge_key(200000, 'k');
  const std::string extra = snapshot_error(snapshot_with("\"" + huge_key + R"(": 1)"));
  EXPECT_LT(extra.size(), 4 * kEchoLimit) << extra.substr(0, 200);
}

TEST(ManageSnapshotBody, NameAndDescriptionRules) {
  EXPECT_EQ(snapshot_error(snapshot_with(R"("name": "")")), "<accepted>");
  std::string long_name(256, 'n');
  EXPECT_EQ(snapshot_error(snapshot_with(R"("name": ")" + long_name + "\"")),
            "Invalid input for field/attribute name. Value: " + long_name + ". '" + long_name + "' is too long");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("name": ")" + std::string(255, 'n') + "\"")), "<accepted>");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("description": ")" + long_name + "\"")),
            "Invalid input for field/attribute description. Value: " + long_name + ". '" + long_name + "' is too long");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("description": "a\nb")")),
            "Invalid input for field/attribute description. Value: a\nb. 'a\\nb' does not match " +
                python_compat::cinder_description_pattern_repr());
  EXPECT_EQ(
      snapshot_error(snapshot_with(R"("description": "tab\there")"))
          .rfind("Invalid input for field/attribute description. Value: tab\there. 'tab\\there' does not match '^[", 0),
      0u);
  // Python's `$` matches before one final newline, so Cinder lets this through.
  EXPECT_EQ(snapshot_error(snapshot_with(R"("description": "ends with newline\n")")), "<accepted>");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("description": "caf\u00e9 \u00a0ok")")), "<accepted>");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("name": 5)")),
            "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'");
}

TEST(ManageSnapshotBody, MetadataRules) {
  EXPECT_EQ(snapshot_error(snapshot_with(R"("metadata": {"bad!": "x"})")),
            "Invalid input for field/attribute metadata. Value: {'bad!': 'x'}. 'bad!' does not match any of the "
            "regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("metadata": {"b!": "x", "a!": "y"})")),
            "Invalid input for field/attribute metadata. Value: {'b!': 'x', 'a!': 'y'}. 'a!', 'b!' do not match any "
            "of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("metadata": {"k": 5})")),
            "Invalid input for field/attribute k. Value: 5. 5 is not of type 'string'");
  std::string long_value(256, 'v');
  EXPECT_EQ(snapshot_error(snapshot_with(R"("metadata": {"k": ")" + long_value + "\"}")),
            "Invalid input for field/attribute k. Value: " + long_value + ". '" + long_value + "' is too long");
  EXPECT_EQ(snapshot_error(snapshot_with(R"("metadata": [])")),
            "Invalid input for field/attribute metadata. Value: []. [] is not of type 'object', 'null'");
  auto ok = parse_manage_snapshot_body(boost::json::parse(snapshot_with(R"("metadata": {"a-b_c:d. e/f": "1"})")));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->metadata.at("a-b_c:d. e/f"), "1");
}

TEST(ManageSnapshotBody, RefBecomesAStringMap) {
  auto ref = [](const char* json) { return ref_to_string_map(boost::json::parse(json)); };
  EXPECT_EQ(ref(R"("lvol0")"), (snapmgr::StringMap{{"source-name", "lvol0"}}));
  EXPECT_TRUE(ref("null").empty());
  EXPECT_EQ(ref(R"({"source-id": 7, "flag": true, "x": "y"})"),
            (snapmgr::StringMap{{"source-id", "7"}, {"flag", "true"}, {"x", "y"}}));
}

TEST(UuidLike, FollowsOslo) {
  EXPECT_TRUE(is_uuid_like(kVolume));
  EXPECT_TRUE(is_uuid_like("1DF34919ABA74A1BA6143B409D71AC03"));
  EXPECT_TRUE(is_uuid_like("{1df34919-aba7-4a1b-a614-3b409d71ac03}"));
  EXPECT_TRUE(is_uuid_like("urn:uuid:1df34919-aba7-4a1b-a614-3b409d71ac03"));
  EXPECT_FALSE(is_uuid_like("error_volume_id"));
  EXPECT_FALSE(is_uuid_like("1df34919-aba7-4a1b-a614-3b409d71ac0"));
  EXPECT_FALSE(is_uuid_like("1df34919-aba7-4a1b-a614-3b409d71ac0g"));
  EXPECT_FALSE(is_uuid_like(""));
}

TEST(ManageVolumeBody, HostAndClusterRulesFollowTheMicroversion) {
  auto parse = [](const char* json, ApiVersion v) { return parse_manage_volume_body(boost::json::parse(json), v); };
  auto missing = parse(R"({"volume": {"ref": "x"}})", {3, 8});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Invalid input received: Host field is missing.");
  auto both = parse(R"({"volume": {"ref": "x", "host": "h@b", "cluster": "c"}})", {3, 16});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "Invalid input received: One and only one of cluster and host must be set.");
  auto cluster_ignored = parse(R"({"volume": {"ref": "x", "host": "h@b", "cluster": "c"}})", {3, 15});
  ASSERT_TRUE(cluster_ignored.ok());
  EXPECT_EQ(cluster_ignored->cluster, "");
  auto ok =
      parse(R"({"volume": {"ref": {"source-name": "v"}, "cluster": "c", "bootable": "yes", "name": "n"}})", {3, 16});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->cluster, "c");
  EXPECT_TRUE(ok->bootable);
  auto bad_bool = parse(R"({"volume": {"ref": "x", "host": "h", "bootable": "maybe"}})", {3, 8});
  ASSERT_FALSE(bad_bool.ok());
  EXPECT_EQ(
      bad_bool.error().message.rfind(
          "Invalid input for field/attribute bootable. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE'", 0),
      0u)
      << bad_bool.error().message;
}

}  // namespace
}  // namespace snapmgr::core::api
