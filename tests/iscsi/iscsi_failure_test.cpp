// Failures: CHAP, portals that refuse or hang, deadlines, and the bound on parallel sessions.
// Durations are only checked against generous upper bounds (a hang would take 30 s or more).
#include <chrono>

#include <gtest/gtest.h>

#include "driver_access.hpp"
#include "iscsi_fixture.hpp"
#include "test_portals.hpp"

namespace snapmgr::testing::iscsi {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kWrongPassword = "wrong-secret-7781";

std::string options_with_portals(const std::vector<std::string>& portals, const std::string& extra) {
  std::string list;
  for (const auto& p : portals) list += (list.empty() ? "\"" : ", \"") + p + "\"";
  return "{portals: [" + list + "], snapshot_target_pattern: '" + kSnapshotPattern + "', volume_target_pattern: '" +
         kVolumePattern + "'" + extra + "}";
}

TEST(IscsiChap, TheRightSecretOpensTheProtectedTargets) {
  auto d = load_iscsi(IscsiFixture::get().options(kChapPassword));
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  const auto* secure = find_named(*vols, lun_name("vol-secure", 1));
  ASSERT_NE(secure, nullptr);
  EXPECT_FALSE(secure->reason) << *secure->reason;
  EXPECT_EQ(secure->size_bytes, 16u * 1024 * 1024);
  auto adopted = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name(lun_name("snap-vol-secure-1", 1)),
                                                           source_name("vol-secure"), "snap-1");
  EXPECT_TRUE(adopted.ok()) << adopted.error().message();
}

TEST(IscsiChap, AWrongSecretFailsClearlyWithoutHidingOtherTargetsOrLeakingTheSecret) {
  clear_captured_log();
  auto d = load_iscsi(IscsiFixture::get().options(kWrongPassword));
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok()) << vols.error().message();
  // The protected target is listed once, as a whole, with the reason; the others as usual.
  const auto* secure = find_named(*vols, iqn("vol-secure"));
  ASSERT_NE(secure, nullptr);
  ASSERT_TRUE(secure->reason);
  EXPECT_NE(secure->reason->find("login to target " + iqn("vol-secure")), std::string::npos) << *secure->reason;
  EXPECT_NE(secure->reason->find("Authentication failure"), std::string::npos) << *secure->reason;
  EXPECT_EQ(find_named(*vols, lun_name("vol-secure", 1)), nullptr);
  ASSERT_NE(find_named(*vols, lun_name("vol-a", 1)), nullptr);
  EXPECT_FALSE(find_named(*vols, lun_name("vol-a", 1))->reason);
  EXPECT_EQ(vols->size(), 5u);  // vol-a, vol-b, vol-multi x2, and the vol-secure entry

  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  const auto* secure_snap = find_named(*snaps, iqn("snap-vol-secure-1"));
  ASSERT_NE(secure_snap, nullptr);
  EXPECT_EQ(secure_snap->source_reference, source_name("vol-secure"));
  EXPECT_TRUE(secure_snap->reason);

  auto adopted = (*d)->volume_adoption()->adopt_volume(test_call(), source_name(lun_name("vol-secure", 1)), "vol-1");
  ASSERT_FALSE(adopted.ok());
  EXPECT_EQ(adopted.error().code(), ErrorCode::BackendError) << adopted.error().message();
  EXPECT_NE(adopted.error().message().find("Authentication failure"), std::string::npos) << adopted.error().message();
  EXPECT_EQ(adopted.error().message().find(kWrongPassword), std::string::npos);

  const std::string log = captured_log();
  EXPECT_NE(log.find("Authentication failure"), std::string::npos) << "the failure should be logged:\n" << log;
  EXPECT_NE(log.find(std::string("CHAP as user ") + kChapUser), std::string::npos) << log;
  EXPECT_EQ(log.find(kWrongPassword), std::string::npos) << "the CHAP secret leaked into the log";
  EXPECT_EQ(secure->reason->find(kWrongPassword), std::string::npos);
}

TEST(IscsiChap, NoCredentialsMeansOnlyTheProtectedTargetsFail) {
  auto d = load_iscsi(IscsiFixture::get().options(""));
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(names_of(*snaps), (std::vector<std::string>{lun_name("snap-vol-a-1", 1), lun_name("snap-vol-a-2", 1),
                                                        lun_name("snap-vol-b-1", 1), iqn("snap-vol-secure-1")}));
}

TEST(IscsiPortals, ARefusedPortalIsABackendErrorNamingIt) {
  const std::string dead = closed_portal();
  auto d = load_iscsi(options_with_portals({dead}, ", command_timeout_s: 5"));
  ASSERT_TRUE(d);
  const auto started = Clock::now();
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call(30s));
  ASSERT_FALSE(snaps.ok());
  EXPECT_EQ(snaps.error().code(), ErrorCode::BackendError) << snaps.error().message();
  EXPECT_NE(snaps.error().message().find("connecting to portal " + dead), std::string::npos) << snaps.error().message();
  EXPECT_NE(snaps.error().message().find("refused"), std::string::npos) << snaps.error().message();
  EXPECT_LT(Clock::now() - started, 5s);
  auto inspected = (*d)->volume_adoption()->inspect_volume(test_call(30s), source_name(lun_name("vol-a", 1)));
  ASSERT_FALSE(inspected.ok());
  EXPECT_EQ(inspected.error().code(), ErrorCode::BackendError) << inspected.error().message();
}

TEST(IscsiPortals, AHungPortalTimesOutWithinCommandTimeout) {
  SilentPortals hung;
  auto d = load_iscsi(options_with_portals({hung.address()}, ", command_timeout_s: 1"));
  ASSERT_TRUE(d);
  const auto started = Clock::now();
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call(60s));
  const auto took = Clock::now() - started;
  ASSERT_FALSE(vols.ok());
  EXPECT_EQ(vols.error().code(), ErrorCode::Timeout) << vols.error().message();
  EXPECT_NE(vols.error().message().find("discovery login on portal " + hung.address()), std::string::npos)
      << vols.error().message();
  EXPECT_NE(vols.error().message().find("command_timeout_s=1"), std::string::npos) << vols.error().message();
  EXPECT_GE(took, 900ms);  // it did wait for the portal...
  EXPECT_LT(took, 15s);    // ...but not for the call's 60 s
  EXPECT_EQ(hung.accepted_connections(), 1);

  auto adopted = (*d)->snapshot_adoption()->adopt_snapshot(test_call(60s), source_name(lun_name("snap-vol-a-1", 1)),
                                                           source_name("vol-a"), "snap-1");
  ASSERT_FALSE(adopted.ok());
  EXPECT_EQ(adopted.error().code(), ErrorCode::Timeout) << adopted.error().message();
}

TEST(IscsiPortals, TheCallsDeadlineEndsTheWaitBeforeCommandTimeout) {
  SilentPortals hung;
  auto d = load_iscsi(options_with_portals({hung.address()}, ", command_timeout_s: 600"));
  ASSERT_TRUE(d);
  const auto started = Clock::now();
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call(500ms));
  ASSERT_FALSE(snaps.ok());
  EXPECT_EQ(snaps.error().code(), ErrorCode::Timeout) << snaps.error().message();
  EXPECT_NE(snaps.error().message().find("call's deadline"), std::string::npos) << snaps.error().message();
  EXPECT_LT(Clock::now() - started, 15s);
}

TEST(IscsiPortals, ADeadPortalDoesNotHideTargetsBehindALiveOne) {
  clear_captured_log();
  SilentPortals hung;
  const std::string dead = closed_portal();
  auto& fx = IscsiFixture::get();
  auto d = load_iscsi(options_with_portals(
      {dead, hung.address(), fx.portal()},
      std::string(", command_timeout_s: 1, chap: {user: ") + kChapUser + ", password: " + kChapPassword + "}"));
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  EXPECT_EQ(snaps->size(), 4u);
  for (const auto& s : *snaps) EXPECT_EQ(info(s.extra_info, "portal"), fx.portal());
  const std::string log = captured_log();
  EXPECT_NE(log.find("connecting to portal " + dead), std::string::npos) << log;
  EXPECT_NE(log.find("discovery login on portal " + hung.address()), std::string::npos) << log;
}

TEST(IscsiPortals, SessionsInParallelNeverExceedMaxParallelLogins) {
  // Four hung portals, two sessions at a time: each session waits command_timeout_s (2 s) for
  // its portal, so the second pair can only start once the first pair has given up.
  SilentPortals hung(4);
  auto d = load_iscsi(options_with_portals(hung.addresses(), ", command_timeout_s: 2, max_parallel_logins: 2"));
  ASSERT_TRUE(d);
  auto vols = list_volumes(*(*d)->volume_discovery(), test_call(60s));
  ASSERT_FALSE(vols.ok());
  EXPECT_EQ(vols.error().code(), ErrorCode::Timeout) << vols.error().message();
  for (const auto& address : hung.addresses()) {
    EXPECT_NE(vols.error().message().find(address), std::string::npos) << vols.error().message();
  }
  EXPECT_EQ(hung.accepted_connections(), 4);  // every portal was asked once
  EXPECT_EQ(hung.peak_connections(), 2);      // never more than two at once, and really two
}

}  // namespace
}  // namespace snapmgr::testing::iscsi
