// A driver built against the frozen SDK 2.0 headers (sdk20_driver.cpp) in today's host: it loads,
// its five capabilities work, and the host never calls the accessor SDK 2.1 appended
// (volume_release), whose vtable slot a 2.0 driver does not have — the fixture's tripwire, the
// function in that slot, proves it.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "host/capability_gate.hpp"
#include "host/plugin_loader.hpp"
#include "tests/adoption/service_fixture.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core::testing {
namespace {

using snapmgr::testing::source_name;
using snapmgr::testing::test_call;

const std::string kDriver = SNAPMGR_SDK20_DRIVER;

bool exists_file(const std::filesystem::path& p) { return std::filesystem::exists(p); }

TEST(Sdk20Driver, LoadsInTheCurrentHost) {
  auto load = load_plugin(kDriver);
  ASSERT_TRUE(load.plugin) << load.error;
  const auto& desc = *load.plugin->descriptor;
  EXPECT_EQ(desc.header.abi_major, 2u);
  EXPECT_EQ(desc.header.abi_minor, 0u);
  EXPECT_STREQ(desc.header.sdk_version, "2.0.0");
  EXPECT_STREQ(desc.header.fingerprint, "gcc/cxx11abi=1/sdk2");  // SDK 2.0's form, read by the host
  EXPECT_EQ(describe_capabilities(desc.capabilities),
            "snapshot-discovery, snapshot-adoption, snapshot-release, volume-discovery, volume-adoption");

  auto d = snapmgr::testing::load_test_driver(kDriver, "{}");
  ASSERT_TRUE(d.driver) << d.error;
  auto* discovery = capability<snapmgr::Capability::SnapshotDiscovery>(**d.driver, 0);
  ASSERT_NE(discovery, nullptr);
  auto listed = list_snapshots(*discovery, test_call());
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_EQ(capability<snapmgr::Capability::VolumeRelease>(**d.driver, 0), nullptr);
}

// The test below relies on this: calling volume_release() on the 2.0 driver, as a host without
// the gate would (undefined behaviour by the standard, a jump into the tripwire under the
// Itanium ABI), is recorded in the tripwire file.
TEST(Sdk20Driver, TheTripwireSitsWhereVolumeReleaseWouldBe) {
  TempDir dir;
  const auto tripwire = dir.path() / "tripwire";
  auto d = snapmgr::testing::load_test_driver(kDriver, "{tripwire_file: " + tripwire.string() + "}");
  ASSERT_TRUE(d.driver) << d.error;
  EXPECT_EQ(capability(**d.driver, 0, snapmgr::Capability::VolumeRelease), nullptr);
  EXPECT_FALSE(exists_file(tripwire)) << "the gate called the 2.0 driver's missing accessor";
  EXPECT_EQ((*d.driver)->volume_release(), nullptr);  // deliberately ungated
  std::ifstream in(tripwire);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "volume_release slot called");
}

TEST(Sdk20Driver, VolumeUnmanageCallsNoDriverAndSnapshotReleaseStillWorks) {
  TempDir dir;
  const auto tripwire = dir.path() / "tripwire";
  ServiceHost host(dir.path(),
                   "  - name: old\n    driver: sdk20\n    options: {tripwire_file: " + tripwire.string() + "}\n",
                   std::string("plugin_path: [") + SNAPMGR_SDK20_PLUGIN_DIR + "]\n");
  ASSERT_TRUE(host.ok()) << host.error();
  const Backend* backend = host.setup().backends->find("node1@old");
  ASSERT_NE(backend, nullptr);
  ASSERT_TRUE(backend->up()) << backend->down_reason;
  EXPECT_NE(backend->snapshot_release(), nullptr);
  EXPECT_EQ(backend->volume_release(), nullptr);

  ManageVolumeRequest vreq;
  vreq.host = "node1@old#pool";
  vreq.ref = source_name("vol-a");
  auto volume = host.service().manage_volume(vreq, host.admin());
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  ASSERT_EQ(host.wait_volume(volume->id, "available"), "available");

  // A 2.0 capability the host does call: snapshot release undoes the driver's record, so the
  // snapshot can be adopted again (the driver would refuse that as AlreadyManaged otherwise).
  ManageSnapshotRequest sreq;
  sreq.volume_id = volume->id;
  sreq.ref = source_name("vol-a.monday");
  auto snapshot = host.service().manage_snapshot(sreq, host.admin());
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  ASSERT_EQ(host.wait_snapshot(snapshot->id, "available"), "available");
  ASSERT_TRUE(host.service().unmanage_snapshot(snapshot->id, host.admin()).ok());
  ASSERT_TRUE(host.wait_snapshot_gone(snapshot->id));
  auto again = host.service().manage_snapshot(sreq, host.admin());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(host.wait_snapshot(again->id, "available"), "available");
  ASSERT_TRUE(host.service().unmanage_snapshot(again->id, host.admin()).ok());
  ASSERT_TRUE(host.wait_snapshot_gone(again->id));

  // Volume unmanage: the row goes, and nothing was asked of the driver's missing slot.
  ASSERT_TRUE(host.service().unmanage_volume(volume->id, host.admin()).ok());
  EXPECT_TRUE(host.wait_volume_gone(volume->id));
  EXPECT_FALSE(exists_file(tripwire)) << "the host called volume_release() on a 2.0 driver";
}

}  // namespace
}  // namespace snapmgr::core::testing
