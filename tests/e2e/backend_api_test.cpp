// Each real driver end to end, through snapmgrd's REST API and its catalog: a fixture hook
// (tests/fixtures/<driver>/hook) brings up the real backend — lvm2 on a loop device,
// NFS-Ganesha, tgtd —, snapmgrd serves it, and the test adopts a volume, adopts one of its
// snapshots, sees it listed `already managed` with its id, unmanages it and sees it safe again.
//
// Each case names its objects by a part of their listed `source-name` (the listing's own
// reference is what the test adopts, as a client would copy it).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json/serialize.hpp>

#include "api_client.hpp"
#include "host/command_runner.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Case {
  const char* driver;
  const char* volume;    // part of the volume's listed source-name
  const char* snapshot;  // part of the snapshot's listed source-name (a snapshot of that volume)
};

const Case kCases[] = {
    {"lvm", "vol-a", "snap-a1"},
    {"nfs", "volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11", "0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21"},
    {"iscsi", ":vol-a/", ":snap-vol-a-1/"},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.driver; }

// The driver's fixture: `hook setup` on construction, `hook teardown` on destruction.
class BackendFixture {
 public:
  explicit BackendFixture(const std::string& driver)
      : hook_(std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/" + driver + "/hook"),
        dir_(fs::path("/tmp") / ("snapmgr-backend-e2e-" + driver + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto setup = run("setup");
    if (setup.exit_code != 0) {
      error_ = "hook setup failed (" + std::to_string(setup.exit_code) + "): " + setup.err;
      return;
    }
    // The options file with the workspace filled in, and what setup printed merged over it.
    std::ifstream in(std::string(SNAPMGR_SOURCE_DIR) + "/tests/fixtures/" + driver + "/conformance-options.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string options = text.str();
    const std::string variable = "${SNAPMGR_FIXTURE_DIR}";
    for (auto at = options.find(variable); at != std::string::npos; at = options.find(variable)) {
      options.replace(at, variable.size(), dir_.string());
    }
    YAML::Node merged = YAML::Load(options);
    YAML::Node printed = YAML::Load(setup.out);
    if (printed.IsMap()) {
      for (const auto& kv : printed) merged[kv.first.as<std::string>()] = kv.second;
    }
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "options" << YAML::Value << merged << YAML::EndMap;
    options_yaml_ = out.c_str();
  }

  ~BackendFixture() {
    auto teardown = run("teardown");
    EXPECT_EQ(teardown.exit_code, 0) << "hook teardown: " << teardown.err;
    fs::remove_all(dir_);
  }

  const std::string& error() const { return error_; }
  // `options:` and the driver's options, as YAML (block style, unindented).
  const std::string& options_yaml() const { return options_yaml_; }

 private:
  snapmgr::CommandOutput run(const std::string& verb) {
    snapmgr::Command command;
    command.argv = {hook_, verb};
    command.env = {{"SNAPMGR_FIXTURE_DIR", dir_.string()}, {"SNAPMGR_FIXTURE_OWNER_PID", std::to_string(::getpid())}};
    command.timeout = 180s;
    auto result = runner_.run(command);
    if (!result) return snapmgr::CommandOutput{-1, "", result.error().message()};
    return *result;
  }

  core::ProcessCommandRunner runner_;
  std::string hook_;
  fs::path dir_;
  std::string error_;
  std::string options_yaml_;
};

std::string indent(const std::string& text, const std::string& prefix) {
  std::stringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) out += prefix + line + "\n";
  return out;
}

const Headers kV38 = with(version("3.8"), json_content());

// The listing's entry whose source-name contains `part`, or null.
const boost::json::value* entry_named(const boost::json::value& listing, const std::string& key,
                                      const std::string& part) {
  for (const auto& e : listing.at(key).as_array()) {
    const auto& name = e.at("reference").at("source-name").as_string();
    if (std::string_view(name.data(), name.size()).find(part) != std::string_view::npos) return &e;
  }
  return nullptr;
}

const boost::json::value* entry_managed_by(const boost::json::value& listing, const std::string& id) {
  for (const auto& e : listing.at("manageable-snapshots").as_array()) {
    if (e.at("cinder_id").is_string() && e.at("cinder_id").as_string() == id) return &e;
  }
  return nullptr;
}

// Polls GET <path> while the row is `creating` or `unmanaging`; "" once it is gone (404).
std::string wait_status(const ApiClient& api, const std::string& path, const std::string& key) {
  for (int i = 0; i < 600; ++i) {
    auto r = api.get(path, kV38);
    if (r.status == 404) return "";
    if (r.status != 200) return "HTTP " + std::to_string(r.status) + ": " + r.body;
    std::string status(r.json().at(key).at("status").as_string());
    if (status != "creating" && status != "unmanaging") return status;
    std::this_thread::sleep_for(50ms);
  }
  return "still creating after 30 s";
}

class BackendThroughTheApi : public ::testing::TestWithParam<Case> {};

TEST_P(BackendThroughTheApi, AdoptListAlreadyManagedUnmanage) {
  const Case c = GetParam();
  BackendFixture backend(c.driver);
  ASSERT_EQ(backend.error(), "");
  const std::string config = std::string(R"(host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
auth: {strategy: noauth}
policy_file: )") + SNAPMGR_SOURCE_DIR +
                             R"(/etc/policy.yaml
plugin_path: [{fake_plugins}]
listing_max_age_ms: 0
backends:
  - name: b1
    driver: )" + c.driver + "\n" +
                             indent(backend.options_yaml(), "    ");
  auto daemon = SnapmgrdProcess::start(std::string("backend-") + c.driver, config);
  ASSERT_TRUE(daemon);
  ApiClient api(daemon->port());
  const std::string listing = "/v3/p1/manageable_snapshots/detail?host=node1@b1";

  // A volume, adopted as a client would: its listed reference copied into the POST.
  auto volumes = api.get("/v3/p1/manageable_volumes/detail?host=node1@b1", kV38);
  ASSERT_EQ(volumes.status, 200) << volumes.body;
  const auto* volume = entry_named(volumes.json(), "manageable-volumes", c.volume);
  ASSERT_NE(volume, nullptr) << c.volume << " is not listed: " << volumes.body;
  ASSERT_TRUE(volume->at("safe_to_manage").as_bool()) << boost::json::serialize(*volume);
  auto adopted = api.post("/v3/p1/manageable_volumes",
                          R"({"volume": {"host": "node1@b1", "name": "e2e-volume", "ref": )" +
                              boost::json::serialize(volume->at("reference")) + "}}",
                          kV38);
  ASSERT_EQ(adopted.status, 202) << adopted.body;
  const std::string volume_id(adopted.json().at("volume").at("id").as_string());
  ASSERT_EQ(wait_status(api, "/v3/p1/volumes/" + volume_id, "volume"), "available") << daemon->log();

  // One of its snapshots: safe, then adopted.
  auto before = api.get(listing, kV38);
  ASSERT_EQ(before.status, 200) << before.body;
  const auto* snapshot = entry_named(before.json(), "manageable-snapshots", c.snapshot);
  ASSERT_NE(snapshot, nullptr) << c.snapshot << " is not listed: " << before.body;
  EXPECT_TRUE(snapshot->at("safe_to_manage").as_bool()) << boost::json::serialize(*snapshot);
  EXPECT_TRUE(snapshot->at("cinder_id").is_null());
  auto managed = api.post("/v3/p1/manageable_snapshots",
                          R"({"snapshot": {"volume_id": ")" + volume_id + R"(", "name": "e2e-snapshot", "ref": )" +
                              boost::json::serialize(snapshot->at("reference")) + "}}",
                          kV38);
  ASSERT_EQ(managed.status, 202) << managed.body;
  const std::string snapshot_id(managed.json().at("snapshot").at("id").as_string());
  ASSERT_EQ(wait_status(api, "/v3/p1/snapshots/" + snapshot_id, "snapshot"), "available") << daemon->log();

  // The next listing reports it already managed, with its id; nothing appeared or vanished.
  auto after = api.get(listing, kV38);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.json().at("manageable-snapshots").as_array().size(),
            before.json().at("manageable-snapshots").as_array().size());
  const auto* listed = entry_managed_by(after.json(), snapshot_id);
  ASSERT_NE(listed, nullptr) << "no entry with cinder_id " << snapshot_id << ": " << after.body;
  EXPECT_FALSE(listed->at("safe_to_manage").as_bool());
  EXPECT_EQ(listed->at("reason_not_safe").as_string(), "already managed");
  const std::string provider = boost::json::serialize(listed->at("reference"));

  // Unmanaged: the object stays on the backend and lists as safe again.
  auto unmanage = api.post("/v3/p1/snapshots/" + snapshot_id + "/action", R"({"os-unmanage": null})", kV38);
  ASSERT_EQ(unmanage.status, 202) << unmanage.body;
  ASSERT_EQ(wait_status(api, "/v3/p1/snapshots/" + snapshot_id, "snapshot"), "");
  auto again = api.get(listing, kV38);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(entry_managed_by(again.json(), snapshot_id), nullptr);
  bool safe_again = false;
  for (const auto& e : again.json().at("manageable-snapshots").as_array()) {
    if (boost::json::serialize(e.at("reference")) == provider) safe_again = e.at("safe_to_manage").as_bool();
  }
  EXPECT_TRUE(safe_again) << provider << " is not listed as safe after unmanage: " << again.body;
  EXPECT_EQ(daemon->stop(), 0) << daemon->log();
}

INSTANTIATE_TEST_SUITE_P(Drivers, BackendThroughTheApi, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.driver); });

}  // namespace
}  // namespace snapmgr::e2e
