// The adoption service end to end below the API: real catalog, real loader, fake driver.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "tests/adoption/service_fixture.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::core::testing {
namespace {

using snapmgr::testing::source_name;
using snapmgr::testing::test_call;

const std::string kFake = R"(  - name: fake1
    driver: fake
    cluster: c1
    options:
      volumes: [{name: volume-a, size_bytes: 2147483648}, {name: volume-b, size_bytes: 1073741824}]
      snapshots:
        - {name: lvol0, size_bytes: 1610612736, origin: volume-a, extra_info: {pool: gold}}
        - {name: lvol1, size_bytes: 1073741824, origin: volume-a, in_use: true}
        - {name: other, size_bytes: 1, origin: volume-b}
)";

std::string with_faults(const std::string& faults) {
  std::string config = kFake;
  config += "      faults: " + faults + "\n";
  return config;
}

std::vector<std::string> backend_names(ServiceHost& host, const std::string& key = "node1@fake1") {
  auto listed = list_snapshots(*host.setup().backends->find(key)->snapshot_discovery(), test_call());
  std::vector<std::string> names;
  for (const auto& s : *listed) names.push_back(*s.reference.find("source-name"));
  return names;
}

std::size_t snapshot_rows(ServiceHost& host) { return host.service().list_snapshots({})->size(); }

VolumeRecord adopt_volume(ServiceHost& host, const std::string& name) {
  ManageVolumeRequest req;
  req.host = "node1@fake1#pool";
  req.ref = source_name(name);
  req.name = "vol";
  auto row = host.service().manage_volume(req, host.admin());
  EXPECT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(host.wait_volume(row->id, "available"), "available");
  return *host.service().get_volume(row->id);
}

ManageSnapshotRequest snapshot_request(const std::string& volume_id, const std::string& name) {
  ManageSnapshotRequest req;
  req.volume_id = volume_id;
  req.ref = source_name(name);
  req.name = "managed";
  req.description = "adopted";
  req.metadata = {{"a", "1"}};
  return req;
}

void set_volume_status(const std::filesystem::path& dir, const std::string& id, const std::string& status) {
  SQLite::Database db((dir / "var" / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
  db.setBusyTimeout(5000);
  SQLite::Statement q(db, "UPDATE volumes SET status = ? WHERE id = ?");
  q.bind(1, status);
  q.bind(2, id);
  q.exec();
}

TEST(ManageService, AdoptingAVolumeThenASnapshot) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord volume = adopt_volume(host, "volume-a");
  EXPECT_EQ(volume.size_gib, 2);
  EXPECT_EQ(volume.provider_reference, source_name("volume-" + volume.id));
  EXPECT_EQ(volume.backend, "node1@fake1");

  auto row = host.service().manage_snapshot(snapshot_request(volume.id, "lvol0"), host.admin());
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->status, "creating");
  EXPECT_EQ(row->size_gib, 2);  // the volume's size until the adoption completes, as Cinder
  EXPECT_EQ(row->project_id, "p1");
  EXPECT_EQ(host.wait_snapshot(row->id, "available"), "available");
  auto done = *host.service().get_snapshot(row->id);
  EXPECT_EQ(done.size_gib, 2);  // 1.5 GiB rounded up
  EXPECT_EQ(done.provider_reference, source_name("_snapshot-" + row->id));
  EXPECT_EQ(done.metadata.at("a"), "1");
  EXPECT_EQ(done.name.value_or(""), "managed");
  // The backend object was renamed; the listing reports it as already managed.
  auto names = backend_names(host);
  EXPECT_EQ(names[0], "_snapshot-" + row->id);
  ListingQuery q;
  q.host = "node1@fake1";
  q.sort = {SortKey{SortField::Reference, true}};
  auto listing = host.service().list_manageable_snapshots(q, host.admin());
  ASSERT_TRUE(listing.ok()) << listing.error().message;
  ASSERT_EQ(listing->size(), 3u);
  EXPECT_EQ((*listing)[0].reference, source_name("_snapshot-" + row->id));
  EXPECT_FALSE((*listing)[0].safe_to_manage);
  EXPECT_EQ((*listing)[0].reason_not_safe.value_or(""), "already managed");
  EXPECT_EQ((*listing)[0].cinder_id.value_or(""), row->id);
  EXPECT_EQ((*listing)[1].reason_not_safe.value_or(""), "snapshot in use");
  EXPECT_TRUE((*listing)[2].safe_to_manage);
}

TEST(ManageService, EveryValidationFailureLeavesNoRowAndNoBackendChange) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  VolumeRecord b = adopt_volume(host, "volume-b");
  const auto names_before = backend_names(host);
  struct Case {
    std::string what;
    ManageSnapshotRequest request;
    Fault fault;
    std::string message;
  };
  auto req = [](const std::string& volume, snapmgr::StringMap ref) {
    ManageSnapshotRequest r;
    r.volume_id = volume;
    r.ref = std::move(ref);
    return r;
  };
  std::vector<Case> cases = {
      {"missing volume", req("00000000-0000-0000-0000-000000000000", source_name("lvol0")), Fault::NotFound,
       "Volume 00000000-0000-0000-0000-000000000000 could not be found."},
      {"empty reference", req(a.id, {}), Fault::BadRequest,
       "Manage existing snapshot failed due to invalid backend reference {}: Reference must contain source-name or "
       "source-id element."},
      {"blank source-name", req(a.id, source_name("")), Fault::BadRequest,
       R"(Manage existing snapshot failed due to invalid backend reference {"source-name":""}: )"
       R"(Reference must contain source-name or source-id element.)"},
      {"no such object", req(a.id, source_name("ghost")), Fault::BadRequest,
       R"(Manage existing snapshot failed due to invalid backend reference {"source-name":"ghost"}: )"
       R"(snapshot 'ghost' does not exist on the backend)"},
      {"a volume, not a snapshot", req(a.id, source_name("volume-" + b.id)), Fault::BadRequest,
       "is a volume, not a snapshot"},
      {"snapshot of another volume", req(b.id, source_name("lvol0")), Fault::BadRequest,
       "is a snapshot of volume 'volume-" + a.id + "'"},
  };
  for (const auto& c : cases) {
    auto r = host.service().manage_snapshot(c.request, host.admin());
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().fault, c.fault) << c.what;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << c.what << ": " << r.error().message;
    EXPECT_EQ(snapshot_rows(host), 0u) << c.what;
    EXPECT_EQ(backend_names(host), names_before) << c.what;
  }
  for (const std::string status : {"error", "maintenance", "creating", "deleting", "replica_x"}) {
    set_volume_status(dir.path(), a.id, status);
    auto r = host.service().manage_snapshot(req(a.id, source_name("lvol0")), host.admin());
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(r.error().fault, Fault::BadRequest);
    EXPECT_EQ(r.error().message.rfind("Invalid volume: ", 0), 0u) << r.error().message;
    EXPECT_EQ(snapshot_rows(host), 0u);
  }
  set_volume_status(dir.path(), a.id, "in-use");  // Tempest's attached variant: in-use is fine
  auto ok = host.service().manage_snapshot(req(a.id, source_name("lvol0")), host.admin());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(host.wait_snapshot(ok->id, "available"), "available");
}

TEST(ManageService, AdoptingAnAlreadyManagedObjectIsAConflict) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  auto first = host.service().manage_snapshot(snapshot_request(a.id, "lvol0"), host.admin());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(host.wait_snapshot(first->id, "available"), "available");
  auto again = host.service().manage_snapshot(snapshot_request(a.id, "_snapshot-" + first->id), host.admin());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().fault, Fault::Conflict);
  EXPECT_NE(again.error().message.find("is already managed as " + first->id), std::string::npos)
      << again.error().message;
  EXPECT_EQ(snapshot_rows(host), 1u);
  ManageVolumeRequest vreq;
  vreq.host = "node1@fake1";
  vreq.ref = source_name("volume-" + a.id);
  auto volume_again = host.service().manage_volume(vreq, host.admin());
  ASSERT_FALSE(volume_again.ok());
  EXPECT_EQ(volume_again.error().fault, Fault::Conflict);
}

TEST(ManageService, ADriverFaultAfterTheAnswerEndsInError) {
  TempDir dir;
  ServiceHost host(dir.path(), with_faults("{adopt_snapshot: {error: backend exploded}}"));
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  auto row = host.service().manage_snapshot(snapshot_request(a.id, "lvol0"), host.admin());
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(host.wait_snapshot(row->id, "error"), "error");
  EXPECT_EQ(backend_names(host)[0], "lvol0");
  // An errored row can be unmanaged, which frees the reference for a new attempt.
  ASSERT_TRUE(host.service().unmanage_snapshot(row->id, host.admin()).ok());
  EXPECT_TRUE(host.wait_snapshot_gone(row->id));
}

TEST(ManageService, ThirtyTwoConcurrentAdoptionsOfOneObjectYieldOneRow) {
  TempDir dir;
  ServiceHost host(dir.path(), with_faults("{adopt_snapshot: {delay_ms: 500}}"), "adoption_workers: 4\n");
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  std::atomic<int> ok{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      auto r = host.service().manage_snapshot(snapshot_request(a.id, "lvol0"), host.admin());
      if (r.ok())
        ++ok;
      else if (r.error().fault == Fault::Conflict)
        ++conflicts;
      else
        ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 31);
  EXPECT_EQ(other.load(), 0);
  ASSERT_EQ(snapshot_rows(host), 1u);
  auto rows = *host.service().list_snapshots({});
  EXPECT_EQ(host.wait_snapshot(rows[0].id, "available"), "available");
}

TEST(ManageService, UnmanageLeavesTheBackendObjectAndItListsAsSafeAgain) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  auto row = host.service().manage_snapshot(snapshot_request(a.id, "lvol0"), host.admin());
  ASSERT_EQ(host.wait_snapshot(row->id, "available"), "available");
  ASSERT_TRUE(host.service().unmanage_snapshot(row->id, host.admin()).ok());
  ASSERT_TRUE(host.wait_snapshot_gone(row->id));
  auto names = backend_names(host);
  EXPECT_EQ(names[0], "_snapshot-" + row->id);  // still there, under its adopted name
  ListingQuery q;
  q.host = "node1";  // a bare host matches its backend
  q.sort = {SortKey{SortField::Reference, true}};
  auto listing = *host.service().list_manageable_snapshots(q, host.admin());
  EXPECT_EQ(listing[0].reference, source_name("_snapshot-" + row->id));
  EXPECT_TRUE(listing[0].safe_to_manage);
  EXPECT_FALSE(listing[0].cinder_id);
  // Unmanaging twice: the row is gone.
  auto twice = host.service().unmanage_snapshot(row->id, host.admin());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "Snapshot " + row->id + " could not be found.");
}

TEST(ManageService, UnmanageRequiresAvailableOrError) {
  TempDir dir;
  ServiceHost host(dir.path(), with_faults("{adopt_snapshot: {delay_ms: 2000}}"));
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord a = adopt_volume(host, "volume-a");
  auto row = host.service().manage_snapshot(snapshot_request(a.id, "lvol0"), host.admin());
  auto busy = host.service().unmanage_snapshot(row->id, host.admin());  // still creating
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().message,
            "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
  // A volume with a live snapshot cannot be unmanaged.
  auto volume = host.service().unmanage_volume(a.id, host.admin());
  ASSERT_FALSE(volume.ok());
  EXPECT_EQ(volume.error().message.rfind("Invalid volume: Volume status must be available or error", 0), 0u);
  EXPECT_EQ(host.wait_snapshot(row->id, "available"), "available");
}

TEST(ManageService, VolumeUnmanageSoftDeletesAndListsTheVolumeAgain) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord b = adopt_volume(host, "volume-b");
  ASSERT_TRUE(host.service().unmanage_volume(b.id, host.admin()).ok());
  ASSERT_TRUE(host.wait_volume_gone(b.id));
  ListingQuery q;
  q.host = "node1@fake1";
  auto volumes = *host.service().list_manageable_volumes(q, host.admin());
  for (const auto& v : volumes) EXPECT_TRUE(v.safe_to_manage || v.reason_not_safe == "volume in use");
}

// The fake driver has VolumeRelease (SDK 2.1): volume unmanage tells it, inside the backend's
// bulkhead and deadline, and a release that fails or hangs leaves the row in `error`.
TEST(ManageService, VolumeUnmanageCallsTheDriversRelease) {
  TempDir dir;
  ServiceHost host(dir.path(), with_faults("{release_volume: {error: release exploded}}"));
  ASSERT_TRUE(host.ok()) << host.error();
  ASSERT_NE(host.setup().backends->find("node1@fake1")->volume_release(), nullptr);
  VolumeRecord b = adopt_volume(host, "volume-b");
  ASSERT_TRUE(host.service().unmanage_volume(b.id, host.admin()).ok());
  EXPECT_EQ(host.wait_volume(b.id, "error"), "error");  // the driver was called and failed
  auto row = host.service().get_volume(b.id);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->provider_reference, source_name("volume-" + b.id));
}

TEST(ManageService, AHungVolumeReleaseEndsInErrorAtTheDeadline) {
  TempDir dir;
  ServiceHost host(dir.path(), with_faults("{release_volume: {hang: true}}"), "call_timeout_s: 1\n");
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord b = adopt_volume(host, "volume-b");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(host.service().unmanage_volume(b.id, host.admin()).ok());
  EXPECT_EQ(host.wait_volume(b.id, "error"), "error");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ManageService, AVolumeReleasedByUnmanageCanBeManagedAgain) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake);
  ASSERT_TRUE(host.ok()) << host.error();
  VolumeRecord b = adopt_volume(host, "volume-b");
  ASSERT_TRUE(host.service().unmanage_volume(b.id, host.admin()).ok());
  ASSERT_TRUE(host.wait_volume_gone(b.id));
  // Released and still on the backend, under its adopted name: it can be managed again.
  ManageVolumeRequest req;
  req.host = "node1@fake1#pool";
  req.ref = source_name("volume-" + b.id);
  auto again = host.service().manage_volume(req, host.admin());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(host.wait_volume(again->id, "available"), "available");
}

TEST(ManageService, ListingResolvesHostsAndClustersAsCinder) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake + "  - {name: off, driver: fake, disabled: true, cluster: c2}\n");
  ASSERT_TRUE(host.ok()) << host.error();
  auto list = [&](const std::string& h, const std::string& c) {
    ListingQuery q;
    q.host = h;
    q.cluster = c;
    return host.service().list_manageable_snapshots(q, host.admin());
  };
  EXPECT_EQ(list("node1@fake1#pool", "")->size(), 3u);
  EXPECT_EQ(list("", "c1")->size(), 3u);
  EXPECT_EQ(list("", "c1@fake1")->size(), 3u);
  auto unknown = list("node2@fake1", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().fault, Fault::NotFound);
  EXPECT_EQ(unknown.error().message, "Service cinder-volume could not be found on host node2@fake1.");
  auto unknown_cluster = list("", "nope");
  EXPECT_EQ(unknown_cluster.error().message, "Service cinder-volume could not be found.");
  auto disabled = list("node1@off", "");
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error().fault, Fault::BadRequest);
  EXPECT_EQ(disabled.error().message, "Service is unavailable at this time.");
  EXPECT_EQ(list("", "c2").error().message, "Service is unavailable at this time.");
  ListingQuery bad_marker;
  bad_marker.host = "node1@fake1";
  bad_marker.marker = "lvol0";
  auto marker = host.service().list_manageable_snapshots(bad_marker, host.admin());
  ASSERT_FALSE(marker.ok());
  EXPECT_EQ(marker.error().fault, Fault::InvalidInput);
}

TEST(ManageService, AMissingCapabilityIsNotImplemented) {
  TempDir dir;
  ServiceHost host(dir.path(), "  - {name: bare, driver: no_capabilities}\n",
                   std::string("plugin_path: [") + SNAPMGR_PLUGIN_DIR + ", " + SNAPMGR_BROKEN_PLUGIN_DIR + "]\n");
  ASSERT_TRUE(host.ok()) << host.error();
  ListingQuery q;
  q.host = "node1@bare";
  auto r = host.service().list_manageable_snapshots(q, host.admin());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::NotImplemented);
  EXPECT_EQ(r.error().message,
            "Backend node1@bare (driver no_capabilities) does not support listing manageable snapshots.");
  EXPECT_EQ(host.service().list_manageable_volumes(q, host.admin()).error().fault, Fault::NotImplemented);
  ManageVolumeRequest v;
  v.host = "node1@bare";
  v.ref = source_name("x");
  EXPECT_EQ(host.service().manage_volume(v, host.admin()).error().fault, Fault::NotImplemented);
}

TEST(ManageService, AHungDriverTimesOutInsteadOfHangingTheService) {
  TempDir dir;
  // In process, where a hung call is abandoned and the driver's other calls go on (in a worker
  // process the hung worker is killed and restarted instead: tests/isolation/).
  std::string config = with_faults("{list_snapshots: {hang: true}}");
  config.replace(config.find("    driver: fake\n"), 17, "    driver: fake\n    isolation: in_process\n");
  ServiceHost host(dir.path(), config, "call_timeout_s: 1\n");
  ASSERT_TRUE(host.ok()) << host.error();
  ListingQuery q;
  q.host = "node1@fake1";
  auto r = host.service().list_manageable_snapshots(q, host.admin());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fault, Fault::Timeout);
  EXPECT_NE(r.error().message.find("listing snapshots on node1@fake1 did not answer before its deadline"),
            std::string::npos)
      << r.error().message;
  // Volumes still list: one hung operation does not block the others.
  EXPECT_TRUE(host.service().list_manageable_volumes(q, host.admin()).ok());
}

TEST(ManageService, ConcurrentListingsShareResults) {
  TempDir dir;
  ServiceHost host(dir.path(),
                   "  - {name: fake1, driver: fake, options: {generate: {snapshots: 2000, volumes: 50, seed: 3}}}\n");
  ASSERT_TRUE(host.ok()) << host.error();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      ListingQuery q;
      q.host = "node1@fake1";
      q.limit = 100;
      q.offset = static_cast<std::size_t>(i) * 10;
      q.sort = {SortKey{SortField::Size, false}};
      auto r = host.service().list_manageable_snapshots(q, host.admin());
      if (r.ok() && r->size() == 100) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 16);
}

// The names a listing through the service reports.
std::vector<std::string> listed_names(ServiceHost& host) {
  ListingQuery q;
  q.host = "node1@fake1";
  auto r = host.service().list_manageable_snapshots(q, host.admin());
  EXPECT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> names;
  if (r.ok())
    for (const auto& e : *r) names.push_back(*e.reference.find("source-name"));
  std::sort(names.begin(), names.end());
  return names;
}

// Renames `other` on the backend behind the service's back, as another tool would.
void rename_outside_the_service(ServiceHost& host) {
  auto* adoption = host.setup().backends->find("node1@fake1")->snapshot_adoption();
  ASSERT_TRUE(adoption->adopt_snapshot(test_call(), source_name("other"), source_name("volume-b"),
                                       "0b9c1f3e-7a52-4c38-9e41-5d6a2f8b7c10"));
}

const std::vector<std::string> kBefore = {"lvol0", "lvol1", "other"};
const std::vector<std::string> kAfter = {"_snapshot-0b9c1f3e-7a52-4c38-9e41-5d6a2f8b7c10", "lvol0", "lvol1"};

TEST(ManageService, ListingsAreReusedWithinTheirMaxAgeUntilTheCatalogChanges) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake, "listing_max_age_ms: 60000\n");
  ASSERT_TRUE(host.ok()) << host.error();
  EXPECT_EQ(listed_names(host), kBefore);
  rename_outside_the_service(host);
  EXPECT_EQ(listed_names(host), kBefore) << "reused: the catalog did not change and the listing is young";
  adopt_volume(host, "volume-a");  // any change to the catalog makes earlier listings too old
  EXPECT_EQ(listed_names(host), kAfter);
}

TEST(ManageService, ListingsOlderThanTheMaxAgeAreFetchedAgain) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake, "listing_max_age_ms: 100\n");
  ASSERT_TRUE(host.ok()) << host.error();
  EXPECT_EQ(listed_names(host), kBefore);
  rename_outside_the_service(host);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(listed_names(host), kAfter);
}

TEST(ManageService, MaxAgeZeroCallsTheDriverForEveryRequest) {
  TempDir dir;
  ServiceHost host(dir.path(), kFake, "listing_max_age_ms: 0\n");
  ASSERT_TRUE(host.ok()) << host.error();
  EXPECT_EQ(listed_names(host), kBefore);
  rename_outside_the_service(host);
  EXPECT_EQ(listed_names(host), kAfter);
}

}  // namespace
}  // namespace snapmgr::core::testing
