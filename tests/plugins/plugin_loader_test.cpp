// The plugin boundary under attack: every broken-plugin fixture is refused with a message
// naming the file and the cause, and a host configured with them still serves its good backend.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/daemon/commands.hpp"
#include "core/daemon/startup.hpp"
#include "core/logging/logging.hpp"
#include "host/driver_registry.hpp"
#include "host/plugin_loader.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core {
namespace {

using namespace std::chrono_literals;

const std::string kBrokenDir = SNAPMGR_BROKEN_PLUGIN_DIR;
const std::string kPluginDir = SNAPMGR_PLUGIN_DIR;

std::string broken(const std::string& name) { return kBrokenDir + "/libsnapmgr_" + name + ".so"; }

struct RefusedAtLoad {
  std::string fixture;
  std::string cause;
};

class LoadRefusal : public ::testing::TestWithParam<RefusedAtLoad> {};

TEST_P(LoadRefusal, NamesFileAndCause) {
  const auto& c = GetParam();
  auto load = load_plugin(broken(c.fixture));
  ASSERT_FALSE(load.plugin);
  EXPECT_EQ(load.error.rfind(broken(c.fixture) + ": ", 0), 0u) << load.error;
  EXPECT_NE(load.error.find(c.cause), std::string::npos) << load.error;
}

INSTANTIATE_TEST_SUITE_P(
    BrokenPlugins, LoadRefusal,
    ::testing::Values(RefusedAtLoad{"no_entry_point", "missing entry point 'snapmgr_driver_descriptor_v1'"},
                      RefusedAtLoad{"abi_major", "SDK ABI major version differs: plugin ABI 3.1, host ABI 2.1"},
                      RefusedAtLoad{"abi_minor",
                                    "SDK ABI minor version is newer than the host's: plugin ABI 2.2, host ABI 2.1"},
                      RefusedAtLoad{"fingerprint",
                                    "build fingerprint differs: plugin 'libstdc++/cxx11abi=0/sdk2', host "
                                    "'libstdc++/cxx11abi=1/sdk2': built against libstdc++ with the pre-C++11"},
                      RefusedAtLoad{"null_descriptor", "the descriptor function returned null"},
                      RefusedAtLoad{"not_elf", "cannot load as a shared object: "}),
    [](const auto& info) { return info.param.fixture; });

TEST(PluginLoader, NotASharedObjectExplainsWhy) {
  auto load = load_plugin(broken("not_elf"));
  ASSERT_FALSE(load.plugin);
  EXPECT_TRUE(load.error.find("invalid ELF header") != std::string::npos ||
              load.error.find("file too short") != std::string::npos)
      << load.error;
  auto missing = load_plugin(kBrokenDir + "/libsnapmgr_absent.so");
  ASSERT_FALSE(missing.plugin);
  EXPECT_NE(missing.error.find("No such file"), std::string::npos) << missing.error;
}

struct RefusedAtCreation {
  std::string fixture;
  std::string cause;
};

class CreationRefusal : public ::testing::TestWithParam<RefusedAtCreation> {};

TEST_P(CreationRefusal, NamesDriverFileAndCause) {
  const auto& c = GetParam();
  auto r = testing::load_test_driver(broken(c.fixture), "{}", "/tmp", 300ms);
  ASSERT_FALSE(r.driver);
  EXPECT_NE(r.error.find("driver '" + c.fixture + "' (" + broken(c.fixture) + ")"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(c.cause), std::string::npos) << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    BrokenPlugins, CreationRefusal,
    ::testing::Values(
        RefusedAtCreation{"factory_throws", "the factory threw an exception: simulated crash in the factory"},
        RefusedAtCreation{"factory_null", "the factory returned no driver"},
        RefusedAtCreation{"factory_hangs", "initialisation did not finish within 300 ms"},
        RefusedAtCreation{"capability_mismatch", "declares snapshot-discovery but does not provide it"},
        RefusedAtCreation{"capability_too_new",
                          "declares volume-release, which SDK 2.0 (the driver's) does not have (new in 2.1)"}),
    [](const auto& info) { return info.param.fixture; });

TEST(DriverRegistry, DuplicateDriverNameIsRefusedNamingBothFiles) {
  DriverRegistry registry;
  registry.load_directories({kPluginDir, kBrokenDir});
  ASSERT_NE(registry.find("fake"), nullptr);
  EXPECT_EQ(registry.find("fake")->path, kPluginDir + "/libsnapmgr_fake.so");
  bool found = false;
  for (const auto& r : registry.refusals()) {
    if (r.path == broken("zz_duplicate_fake")) {
      found = true;
      EXPECT_EQ(r.reason, broken("zz_duplicate_fake") + ": driver name 'fake' is already registered by " + kPluginDir +
                              "/libsnapmgr_fake.so");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(registry.find("factory_throws"), nullptr);  // loads; fails only when created
}

TEST(DriverRegistry, MissingDirectoryIsAWarning) {
  DriverRegistry registry;
  registry.load_directories({"/nonexistent/plugins"});
  ASSERT_EQ(registry.warnings().size(), 1u);
  EXPECT_NE(registry.warnings()[0].find("/nonexistent/plugins"), std::string::npos);
}

// A host configured with the good fake backend next to one backend per broken fixture.
class HostWithBrokenPlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("snapmgr-broken-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_config(const std::string& backends) {
    const auto path = (dir_ / "snapmgr.yaml").string();
    std::ofstream(path) << "host: node1\nstate_dir: " << (dir_ / "var").string() << "\nplugin_path: [" << kPluginDir
                        << ", " << kBrokenDir << "]\ncall_timeout_s: 1\nbackends:\n"
                        << backends;
    return path;
  }

  std::filesystem::path dir_;
};

const std::vector<std::string> kBrokenBackends = {
    "no_entry_point", "abi_major",    "abi_minor",     "fingerprint",         "null_descriptor",   "not_elf",
    "factory_throws", "factory_null", "factory_hangs", "capability_mismatch", "capability_too_new"};

TEST_F(HostWithBrokenPlugins, BrokenBackendsAreDownAndTheGoodOneServes) {
  std::string backends =
      "  - {name: good, driver: fake, options: {snapshots: [{name: s, size_bytes: 1, origin: v}]}}\n";
  for (const auto& b : kBrokenBackends) backends += "  - {name: " + b + ", driver: " + b + "}\n";
  auto setup = start_host(write_config(backends), false);
  ASSERT_TRUE(setup.errors.empty()) << to_string(setup.errors);
  const Backend* good = setup.backends->find("node1@good");
  ASSERT_NE(good, nullptr);
  ASSERT_TRUE(good->up()) << good->down_reason;
  auto listed = list_snapshots(*good->snapshot_discovery(), testing::test_call());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  for (const auto& b : kBrokenBackends) {
    const Backend* backend = setup.backends->find("node1@" + b);
    ASSERT_NE(backend, nullptr) << b;
    EXPECT_EQ(backend->state, BackendState::Down) << b;
    EXPECT_NE(backend->down_reason.find(broken(b)), std::string::npos) << b << ": " << backend->down_reason;
    EXPECT_EQ(backend->snapshot_discovery(), nullptr);
  }
}

TEST_F(HostWithBrokenPlugins, CheckConfigReportsDownBackendsAndFails) {
  auto path = write_config("  - {name: good, driver: fake}\n  - {name: bad, driver: abi_major}\n");
  std::ostringstream out, err;
  EXPECT_EQ(check_config(path, out, err), 1);
  EXPECT_NE(out.str().find("node1@good: driver fake 1.0.0 (snapshot-discovery, snapshot-adoption, snapshot-release, "
                           "volume-discovery, volume-adoption, volume-release), up"),
            std::string::npos)
      << out.str();
  EXPECT_NE(err.str().find("node1@bad is down: driver 'abi_major' could not be loaded: " + broken("abi_major") +
                           ": SDK ABI major version differs"),
            std::string::npos)
      << err.str();
}

TEST_F(HostWithBrokenPlugins, CheckConfigPassesAGoodConfig) {
  auto path =
      write_config("  - {name: good, driver: fake, cluster: c1}\n  - {name: off, driver: fake, disabled: true}\n");
  std::ostringstream out, err;
  EXPECT_EQ(check_config(path, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("node1@good: driver fake 1.0.0"), std::string::npos);
  EXPECT_NE(out.str().find("cluster c1, up"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("node1@off: driver fake 1.0.0 (snapshot-discovery"), std::string::npos);
  EXPECT_NE(out.str().find("disabled"), std::string::npos);
}

TEST_F(HostWithBrokenPlugins, UnknownDriverIsAConfigErrorWithFileLineAndKey) {
  auto path = write_config("  - name: a\n    driver: fake\n  - name: b\n    driver: netapp\n");
  auto setup = start_host(path, false);
  ASSERT_EQ(setup.errors.size(), 1u) << to_string(setup.errors);
  EXPECT_EQ(
      setup.errors[0].to_string().rfind(path + ":9: backends[1].driver: unknown driver 'netapp' (loaded drivers: ", 0),
      0u)
      << setup.errors[0].to_string();
}

TEST_F(HostWithBrokenPlugins, OptionTheDriverDoesNotAcceptIsAConfigError) {
  auto path = write_config("  - name: a\n    driver: fake\n    options:\n      snapshot: []\n");
  auto setup = start_host(path, false);
  ASSERT_EQ(setup.errors.size(), 1u) << to_string(setup.errors);
  EXPECT_EQ(setup.errors[0].to_string().rfind(
                path + ":9: backends[0].options.snapshot: driver 'fake' does not accept this option", 0),
            0u)
      << setup.errors[0].to_string();
}

}  // namespace
}  // namespace snapmgr::core
