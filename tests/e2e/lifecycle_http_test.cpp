// Daemon lifecycle, each test with its own snapmgrd:
//  * rows that need a volume adopted before its backend changes (docs/cinder-compatibility.md
//    §2.7 step 6): after a restart with the backend disabled, POST manage is 400 "Service is
//    unavailable at this time."; with the backend gone from the config, 404 "Service
//    cinder-volume could not be found on host <backend>."; the catalog survives the restart;
//  * SIGTERM during a request: the request is answered, then the daemon exits 0.
#include <signal.h>

#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "api_client.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

std::string config(bool first_run) {
  std::string text = R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
plugin_path: [{fake_plugins}]
backends:
  - name: keep
    driver: fake
    disabled: )" + std::string(first_run ? "false" : "true") +
                     R"(
    options:
      state_file: {dir}/keep.json
      volumes:
        - {name: volume-cccccccc-0000-4000-8000-000000000001, size_bytes: 1073741824}
      snapshots:
        - {name: s-keep, size_bytes: 1073741824, origin: volume-cccccccc-0000-4000-8000-000000000001}
)";
  if (first_run) {
    text += R"(
  - name: gone
    driver: fake
    options:
      volumes:
        - {name: volume-cccccccc-0000-4000-8000-000000000002, size_bytes: 1073741824}
      snapshots:
        - {name: s-gone, size_bytes: 1073741824, origin: volume-cccccccc-0000-4000-8000-000000000002}
)";
  }
  return text;
}

std::string adopt(const ApiClient& client, const std::string& host, const std::string& name) {
  auto r = client.post("/v3/p1/os-volume-manage",
                       R"({"volume": {"host": ")" + host + R"(", "ref": {"source-name": ")" + name + R"("}}})");
  EXPECT_EQ(r.status, 202) << r.body;
  if (r.status != 202) return "";
  const std::string id(r.json().at("volume").at("id").as_string());
  for (int i = 0; i < 1200; ++i) {
    auto shown = client.get("/v3/p1/volumes/" + id);
    if (shown.status == 200 && shown.json().at("volume").at("status").as_string() == "available") return id;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "volume " << id << " did not become available";
  return id;
}

TEST(BackendChanges, ManageAnswersForDisabledAndMissingBackends) {
  auto daemon = SnapmgrdProcess::start("restart", config(true));
  ASSERT_NE(daemon, nullptr);
  const std::string kept =
      adopt(ApiClient(daemon->port()), "node1@keep", "volume-cccccccc-0000-4000-8000-000000000001");
  const std::string gone =
      adopt(ApiClient(daemon->port()), "node1@gone", "volume-cccccccc-0000-4000-8000-000000000002");
  ASSERT_FALSE(kept.empty());
  ASSERT_FALSE(gone.empty());

  ASSERT_TRUE(daemon->restart(config(false)));
  ApiClient client(daemon->port());
  EXPECT_EQ(client.get("/v3/p1/volumes/" + kept).status, 200) << "the catalog did not survive the restart";
  auto disabled =
      client.post("/v3/p1/os-snapshot-manage", R"({"snapshot": {"volume_id": ")" + kept + R"(", "ref": "s-keep"}})");
  EXPECT_EQ(disabled.status, 400) << disabled.body;
  EXPECT_EQ(disabled.fault_message("badRequest"), "Service is unavailable at this time.");
  auto missing =
      client.post("/v3/p1/os-snapshot-manage", R"({"snapshot": {"volume_id": ")" + gone + R"(", "ref": "s-gone"}})");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.fault_message("itemNotFound"), "Service cinder-volume could not be found on host node1@gone.");
  EXPECT_EQ(daemon->stop(), 0) << daemon->log();
}

}  // namespace
}  // namespace snapmgr::e2e

namespace snapmgr::e2e {
namespace {

// SIGTERM while a request is being handled: the request is answered, then the daemon exits 0.
TEST(GracefulShutdown, InFlightRequestFinishesBeforeExit) {
  auto daemon = SnapmgrdProcess::start("sigterm", R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
plugin_path: [{fake_plugins}]
log: {level: debug}
backends:
  - name: delay
    driver: fake
    options:
      volumes:
        - {name: v, size_bytes: 1073741824}
      snapshots:
        - {name: s, size_bytes: 1073741824, origin: v}
      faults: {list_snapshots: {delay_ms: 2000}}
)");
  ASSERT_NE(daemon, nullptr);
  const std::string target = "/v3/p1/os-snapshot-manage?host=node1@delay";
  auto reply = std::async(std::launch::async, [&] { return ApiClient(daemon->port()).get(target); });
  // Wait until the handler runs (its "started" debug line), then ask the daemon to stop.
  for (int i = 0; i < 1200 && daemon->log().find("GET " + target + " started") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_NE(daemon->log().find("GET " + target + " started"), std::string::npos) << daemon->log();
  ASSERT_EQ(kill(daemon->pid(), SIGTERM), 0);
  Reply r = reply.get();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("manageable-snapshots").as_array().size(), 1u);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_EQ(daemon->wait(), 0) << daemon->log();
  EXPECT_NE(daemon->log().find("snapmgrd stopped"), std::string::npos);
}

}  // namespace
}  // namespace snapmgr::e2e
