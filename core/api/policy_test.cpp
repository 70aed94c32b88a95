#include "core/api/policy.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

Identity user(std::vector<std::string> roles, bool admin = false) {
  Identity id{"u", "p", std::move(roles), admin};
  return id;
}

TEST(Policy, DefaultsAreAdminOnly) {
  Policy p = Policy::defaults();
  for (auto rule : {kListManageableSnapshots, kManageSnapshot, kUnmanageSnapshot, kListManageableVolumes, kManageVolume,
                    kUnmanageVolume}) {
    EXPECT_TRUE(p.allowed(rule, user({}, true))) << rule;
    EXPECT_TRUE(p.allowed(rule, user({"admin"}))) << rule;
    EXPECT_FALSE(p.allowed(rule, user({"member", "reader"}))) << rule;
  }
  EXPECT_FALSE(p.allowed("no:such:rule", user({}, true)));
}

TEST(Policy, MetadataDefaultsAreCindersPersonas) {
  for (const Policy& p : {Policy::defaults(), *Policy::load(std::string(SNAPMGR_SOURCE_DIR) + "/etc/policy.yaml")}) {
    for (auto rule : {kGetSnapshotMetadata, kGetVolumeMetadata}) {
      EXPECT_TRUE(p.allowed(rule, user({"reader"}))) << rule;
      EXPECT_TRUE(p.allowed(rule, user({"member"}))) << rule;
      EXPECT_TRUE(p.allowed(rule, user({"admin"}))) << rule;
      EXPECT_FALSE(p.allowed(rule, user({"auditor"}))) << rule;
    }
    for (auto rule : {kUpdateSnapshotMetadata, kDeleteSnapshotMetadata, kCreateVolumeMetadata, kUpdateVolumeMetadata,
                      kDeleteVolumeMetadata}) {
      EXPECT_TRUE(p.allowed(rule, user({"member"}))) << rule;
      EXPECT_TRUE(p.allowed(rule, user({}, true))) << rule;
      EXPECT_FALSE(p.allowed(rule, user({"reader"}))) << rule;
      EXPECT_FALSE(p.allowed(rule, user({}))) << rule;
    }
  }
}

TEST(Policy, TheShippedFileParses) {
  auto p = Policy::load(std::string(SNAPMGR_SOURCE_DIR) + "/etc/policy.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p->allowed(kManageSnapshot, user({"admin"})));
  EXPECT_FALSE(p->allowed(kManageSnapshot, user({"member"})));
}

TEST(Policy, GrammarAndPrecedence) {
  auto p = Policy::parse(R"(
"a": "role:x or role:y and role:z"
"b": "(role:x or role:y) and role:z"
"snapshot_extension:list_manageable": "@"
"snapshot_extension:snapshot_manage": "!"
"snapshot_extension:snapshot_unmanage": ""
"volume_extension:list_manageable": "rule:b or is_admin:True"
"volume_extension:volume_manage": "is_admin:False"
)",
                         "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p->allowed("a", user({"x"})));  // and binds tighter than or
  EXPECT_FALSE(p->allowed("b", user({"x"})));
  EXPECT_TRUE(p->allowed("b", user({"y", "z"})));
  EXPECT_TRUE(p->allowed(kListManageableSnapshots, user({})));
  EXPECT_FALSE(p->allowed(kManageSnapshot, user({}, true)));
  EXPECT_TRUE(p->allowed(kUnmanageSnapshot, user({})));
  EXPECT_TRUE(p->allowed(kListManageableVolumes, user({"x", "z"})));
  EXPECT_TRUE(p->allowed(kListManageableVolumes, user({}, true)));
  EXPECT_FALSE(p->allowed(kListManageableVolumes, user({"x"})));
  EXPECT_TRUE(p->allowed(kManageVolume, user({})));
  EXPECT_FALSE(p->allowed(kManageVolume, user({}, true)));
  EXPECT_FALSE(p->allowed(kUnmanageVolume, user({"member"})));  // not in the file: default (admin only)
  EXPECT_TRUE(p->allowed(kUnmanageVolume, user({"admin"})));
}

TEST(Policy, BadFilesAreClearStartupErrors) {
  auto expect_error = [](const std::string& text, const std::string& fragment) {
    auto p = Policy::parse(text, "bad.yaml");
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_NE(p.error().find(fragment), std::string::npos) << p.error();
  };
  expect_error("\"a\": \"role:x or\"\n", "bad.yaml:1: rule 'a': the expression ends where a check was expected");
  expect_error("\"a\": \"role:x\"\n\"b\": \"tenant:x\"\n", "bad.yaml:2: rule 'b': unsupported check 'tenant:x'");
  expect_error("\"a\": \"(role:x\"\n", "missing ')'");
  expect_error("\"a\": \"role:x)\"\n", "unexpected ')'");
  expect_error("\"a\": \"rule:nope\"\n", "bad.yaml:1: rule 'a': refers to undefined rule 'nope'");
  expect_error("\"a\": \"rule:b\"\n\"b\": \"rule:a\"\n", "loop (a -> b -> a)");
  expect_error("\"a\": [1]\n", "expected a check string");
  expect_error("- a\n", "expected a map");
  expect_error("\"a\": [1, 2\n", "not valid YAML");
  auto missing = Policy::load("/nonexistent/policy.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "policy_file: cannot read '/nonexistent/policy.yaml'");
}

}  // namespace
}  // namespace snapmgr::core::api
