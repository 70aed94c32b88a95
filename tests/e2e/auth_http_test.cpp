// The `tokens` auth strategy and a policy file, on their own snapmgrd: 401 for missing and
// unknown tokens, 403 with Cinder's text for every policy, 404 (not 403) for a volume the caller
// cannot see, the URL project check, and start-up errors for bad tokens and policy files.
#include <thread>

#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

const std::string kTokens = R"(
admin-token: {user: root, project: p1, roles: [admin]}
member-token: {user: carol, project: p1, roles: [member]}
auditor-token: {user: erin, project: p1, roles: [member, auditor]}
outsider-token: {user: dave, project: p2, roles: [member]}
)";

const std::string kPolicy = R"(
"admin_api": "is_admin:True or role:admin"
"snapshot_extension:list_manageable": "rule:admin_api or role:auditor"
)";

std::string config(const std::string& policy_file) {
  return R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: tokens, tokens_file: {dir}/tokens.yaml}
policy_file: )" +
         policy_file + R"(
plugin_path: [{fake_plugins}]
backends:
  - name: fake1
    driver: fake
    options:
      volumes:
        - {name: volume-aaaaaaaa-0000-4000-8000-000000000001, size_bytes: 1073741824}
        - {name: volume-aaaaaaaa-0000-4000-8000-000000000002, size_bytes: 1073741824}
      snapshots:
        - {name: snap0, size_bytes: 1073741824, origin: volume-aaaaaaaa-0000-4000-8000-000000000001}
        - {name: snap1, size_bytes: 1073741824, origin: volume-aaaaaaaa-0000-4000-8000-000000000001}
)";
}

class TokensAuth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The shipped rules, except that auditors may list manageable snapshots.
    daemon_ = SnapmgrdProcess::start("tokens", config("{dir}/policy.yaml"),
                                     {{"tokens.yaml", kTokens}, {"policy.yaml", kPolicy}})
                  .release();
    ASSERT_NE(daemon_, nullptr);
  }
  static void TearDownTestSuite() {
    if (!daemon_) return;
    EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
    delete daemon_;
    daemon_ = nullptr;
  }

  static ApiClient as(const std::string& token) { return ApiClient(daemon_->port(), {{"X-Auth-Token", token}}); }

  static std::string policy_error(const Reply& r) {
    EXPECT_EQ(r.status, 403) << r.body;
    return r.fault_message("forbidden");
  }

  static SnapmgrdProcess* daemon_;
};

SnapmgrdProcess* TokensAuth::daemon_ = nullptr;

TEST_F(TokensAuth, MissingOrUnknownTokenIs401) {
  for (const Headers& h : {Headers{}, Headers{{"X-Auth-Token", "nope"}}, Headers{{"X-Auth-Token", "admin:p1"}}}) {
    ApiClient client(daemon_->port(), h);
    auto r = client.get("/v3/p1/volumes");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.fault_message("unauthorized"), "The request you have made requires authentication.");
    EXPECT_FALSE(r.header("x-openstack-request-id").empty());
  }
  // Version discovery needs no token.
  EXPECT_EQ(ApiClient(daemon_->port(), {}).get("/").status, 300);
}

TEST_F(TokensAuth, NonAdminsAreDeniedEveryManagePolicy) {
  auto admin = as("admin-token");
  auto member = as("member-token");
  EXPECT_EQ(policy_error(member.get("/v3/p1/manageable_snapshots?host=node1@fake1", version("3.8"))),
            "Policy doesn't allow snapshot_extension:list_manageable to be performed.");
  EXPECT_EQ(policy_error(member.get("/v3/p1/os-snapshot-manage/detail?host=node1@fake1")),
            "Policy doesn't allow snapshot_extension:list_manageable to be performed.");
  EXPECT_EQ(policy_error(member.get("/v3/p1/manageable_volumes?host=node1@fake1", version("3.8"))),
            "Policy doesn't allow volume_extension:list_manageable to be performed.");
  EXPECT_EQ(policy_error(member.post(
                "/v3/p1/os-volume-manage",
                R"({"volume": {"host": "node1@fake1", "ref": "volume-aaaaaaaa-0000-4000-8000-000000000002"}})")),
            "Policy doesn't allow volume_extension:volume_manage to be performed.");

  // Rows the admin of p1 adopted are visible to p1's member: policy decides (403).
  auto v = admin.post("/v3/p1/os-volume-manage",
                      R"({"volume": {"host": "node1@fake1", "ref": "volume-aaaaaaaa-0000-4000-8000-000000000001"}})");
  ASSERT_EQ(v.status, 202) << v.body;
  const std::string volume_id(v.json().at("volume").at("id").as_string());
  for (int i = 0; i < 1200; ++i) {  // wait until the adoption finished
    auto shown = admin.get("/v3/p1/volumes/" + volume_id);
    if (shown.status == 200 && shown.json().at("volume").at("status").as_string() != "creating") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto s =
      admin.post("/v3/p1/os-snapshot-manage", R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": "snap0"}})");
  ASSERT_EQ(s.status, 202) << s.body;
  const std::string snapshot_id(s.json().at("snapshot").at("id").as_string());

  EXPECT_EQ(policy_error(member.post("/v3/p1/os-snapshot-manage",
                                     R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": "snap1"}})")),
            "Policy doesn't allow snapshot_extension:snapshot_manage to be performed.");
  EXPECT_EQ(policy_error(member.post("/v3/p1/snapshots/" + snapshot_id + "/action", R"({"os-unmanage": null})")),
            "Policy doesn't allow snapshot_extension:snapshot_unmanage to be performed.");
  EXPECT_EQ(policy_error(member.post("/v3/p1/volumes/" + volume_id + "/action", R"({"os-unmanage": null})")),
            "Policy doesn't allow volume_extension:volume_unmanage to be performed.");

  // Another project cannot see the volume: 404 before any policy check (as Cinder).
  auto outsider = as("outsider-token");
  auto hidden = outsider.post("/v3/p2/os-snapshot-manage",
                              R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "ref": "snap1"}})");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.fault_message("itemNotFound"), "Volume " + volume_id + " could not be found.");
  EXPECT_EQ(outsider.get("/v3/p2/snapshots/" + snapshot_id).status, 404);
  EXPECT_EQ(outsider.get("/v3/p2/volumes?all_tenants=1").json().at("volumes").as_array().size(), 0u);
}

TEST_F(TokensAuth, ThePolicyFileDecides) {
  // policy.yaml lets auditors list manageable snapshots, not volumes.
  auto auditor = as("auditor-token");
  EXPECT_EQ(auditor.get("/v3/p1/os-snapshot-manage?host=node1@fake1").status, 200);
  EXPECT_EQ(policy_error(auditor.get("/v3/p1/os-volume-manage?host=node1@fake1")),
            "Policy doesn't allow volume_extension:list_manageable to be performed.");
  EXPECT_EQ(as("admin-token").get("/v3/p1/os-volume-manage?host=node1@fake1").status, 200);
}

TEST_F(TokensAuth, ProjectMismatchIs400ForEveryone) {
  for (const char* token : {"admin-token", "member-token"}) {
    auto r = as(token).get("/v3/p2/os-snapshot-manage?host=node1@fake1");
    EXPECT_EQ(r.status, 400) << token;
    EXPECT_EQ(r.fault_message("badRequest"), "Malformed request url");
  }
}

TEST(Startup, BadPolicyOrTokensFilesStopTheStart) {
  auto [code, log] = SnapmgrdProcess::run_expecting_failure(
      "badpolicy", config("{dir}/policy.yaml"),
      {{"tokens.yaml", kTokens}, {"policy.yaml", "\"admin_api\": \"role:admin or\"\n"}});
  EXPECT_EQ(code, 1) << log;
  EXPECT_NE(log.find("policy.yaml:1: rule 'admin_api': the expression ends where a check was expected"),
            std::string::npos)
      << log;
  auto [code2, log2] = SnapmgrdProcess::run_expecting_failure(
      "badtokens", config(std::string(SNAPMGR_SOURCE_DIR) + "/etc/policy.yaml"), {{"tokens.yaml", "t: {user: u}\n"}});
  EXPECT_EQ(code2, 1) << log2;
  EXPECT_NE(log2.find("tokens.yaml:1: token 't': missing 'project'"), std::string::npos) << log2;
}

}  // namespace
}  // namespace snapmgr::e2e
