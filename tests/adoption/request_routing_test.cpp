// RequestRouter against a real SQLite catalog holding this host's backends (the fake driver through
// the real loader) and hand-written service rows of other nodes: up, disabled, with a failed
// driver, with an old heartbeat, cluster members, unknown hosts, and forwarded requests.
#include "core/adoption/request_routing.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include "core/adoption/host_resolution.hpp"

#include "core/catalog/sqlite_catalog.hpp"
#include "tests/adoption/service_fixture.hpp"

namespace snapmgr::core {
namespace {

using testing::ServiceHost;
using testing::TempDir;

constexpr const char* kUnavailable = "Service is unavailable at this time.";

class RequestRouting : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(host_.ok()) << host_.error();
    auto catalog = SqliteCatalog::open((dir_.path() / "var" / "catalog.sqlite").string());
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    row("node2", "fake", "c1");
    row("node2", "off", "", [](VolumeServiceRow& r) { r.disabled = true; });
    row("node3", "dead", "c2");
    row("node3", "dead4", "c4");
    row("node3", "x", "c2");
    row("node4", "broken", "", [](VolumeServiceRow& r) { r.backend_up = false; });
    row("node5", "a", "");
    row("node5", "b", "");
    row("node6", "x", "c2");
    for (const auto& r : rows_) ASSERT_TRUE((*catalog)->upsert_service(r).ok());
    SQLite::Database db((dir_.path() / "var" / "catalog.sqlite").string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    // An hour old: down (service_down_time_s is 60).
    db.exec(
        "UPDATE services SET updated_at = '2020-01-01T00:00:00.000000' "
        "WHERE (host = 'node3') OR (host = 'node5' AND backend = 'a')");
  }

  void row(const std::string& host, const std::string& backend, const std::string& cluster,
           void (*edit)(VolumeServiceRow&) = nullptr) {
    VolumeServiceRow r;
    r.host = host;
    r.backend = backend;
    r.cluster = cluster;
    r.advertise_url = "http://" + host + ":8776";
    if (edit) edit(r);
    rows_.push_back(r);
  }

  ServiceResult<RequestRoute> target(const std::string& host, const std::string& cluster = "",
                                     Arrival arrival = Arrival::FromClient) {
    return router_.for_target(host, cluster, arrival);
  }

  static void expect_local(const ServiceResult<RequestRoute>& r, const std::string& what) {
    ASSERT_TRUE(r.ok()) << what << ": " << r.error().message;
    EXPECT_FALSE(r->has_value()) << what << " went to " << (*r)->advertise_url;
  }
  static void expect_remote(const ServiceResult<RequestRoute>& r, const std::string& url, const std::string& service) {
    ASSERT_TRUE(r.ok()) << service << ": " << r.error().message;
    ASSERT_TRUE(r->has_value()) << service << " stayed local";
    EXPECT_EQ((*r)->advertise_url, url);
    EXPECT_EQ((*r)->service, service);
  }
  static void expect_error(const ServiceResult<RequestRoute>& r, Fault fault, const std::string& message) {
    ASSERT_FALSE(r.ok()) << message;
    EXPECT_EQ(r.error().fault, fault);
    EXPECT_EQ(r.error().message, message);
  }

  TempDir dir_;
  ServiceHost host_{dir_.path(),
                    "  - {name: fake1, driver: fake, cluster: c1}\n"
                    "  - {name: off1, driver: fake, cluster: c5, disabled: true}\n"};
  RequestRouter router_{host_.service(), *host_.setup().backends};
  std::vector<VolumeServiceRow> rows_;
};

TEST_F(RequestRouting, WhatThisNodeServesStaysHereWhateverItsState) {
  expect_local(target("node1@fake1"), "host@backend");
  expect_local(target("node1@fake1#fake1"), "a pool is dropped");
  expect_local(target("node1"), "a bare host");
  expect_local(target("node1@off1"), "disabled here: the local code answers it");
  expect_local(target("", "c1"), "a cluster with an up member here");
  expect_local(target("", "c5"), "a cluster whose only member is here, disabled");
  expect_local(target("", ""), "nothing addressed: the local code answers");
  expect_local(router_.for_backend("node1@fake1", "", Arrival::FromClient), "a row's backend");
}

TEST_F(RequestRouting, AnotherNodesUpServiceGoesToItsAdvertisedUrl) {
  expect_remote(target("node2@fake"), "http://node2:8776", "node2@fake");
  expect_remote(target("node2@fake#pool"), "http://node2:8776", "node2@fake");
  expect_remote(target("node2"), "http://node2:8776", "node2");
  expect_remote(target("node5"), "http://node5:8776", "node5");  // one of its services is still up
  expect_remote(router_.for_backend("node2@fake", "", Arrival::FromClient), "http://node2:8776", "node2@fake");
}

TEST_F(RequestRouting, DisabledDownAndFailedServicesAreUnavailable) {
  expect_error(target("node2@off"), Fault::BadRequest, kUnavailable);
  expect_error(target("node3@dead"), Fault::BadRequest, kUnavailable);
  expect_error(target("node3"), Fault::BadRequest, kUnavailable);
  expect_error(target("node4@broken"), Fault::BadRequest, kUnavailable);
  expect_error(target("node5@a"), Fault::BadRequest, kUnavailable);
  expect_error(router_.for_backend("node3@dead", "", Arrival::FromClient), Fault::BadRequest, kUnavailable);
}

TEST_F(RequestRouting, UnknownServicesAreCindersNotFound) {
  expect_error(target("node9@x"), Fault::NotFound, "Service cinder-volume could not be found on host node9@x.");
  expect_error(target("node9@x#p"), Fault::NotFound, "Service cinder-volume could not be found on host node9@x.");
  expect_error(target("node9"), Fault::NotFound, "Service cinder-volume could not be found on host node9.");
  expect_error(target("node2@fake2"), Fault::NotFound, "Service cinder-volume could not be found on host node2@fake2.");
  expect_error(target("", "c9"), Fault::NotFound, "Service cinder-volume could not be found.");
  expect_error(router_.for_backend("node9@x", "", Arrival::FromClient), Fault::NotFound,
               "Service cinder-volume could not be found on host node9@x.");
}

TEST_F(RequestRouting, AClusterGoesToAnyUpMember) {
  expect_remote(target("", "c2"), "http://node6:8776", "node6@x");  // node3@dead is down
  expect_remote(target("", "c2@x"), "http://node6:8776", "node6@x");
  expect_remote(target("", "c2#pool"), "http://node6:8776", "node6@x");
  expect_error(target("", "c4"), Fault::BadRequest, kUnavailable);  // its one member is down
}

// A row of a clustered backend (a snapshot adoption on its volume's backend) goes to an up member
// of that backend's name: this node's, else the row's own service, else another member's.
TEST_F(RequestRouting, AClusteredRowGoesToAnUpMemberOfItsBackend) {
  expect_local(router_.for_backend("node2@fake1", "c1", Arrival::FromClient), "this node's member of c1");
  expect_local(router_.for_backend("node2@fake1", "c1", Arrival::Forwarded), "forwarded to this node's member");
  expect_remote(router_.for_backend("node2@fake", "c1", Arrival::FromClient), "http://node2:8776", "node2@fake");
  expect_remote(router_.for_backend("node3@x", "c2", Arrival::FromClient), "http://node6:8776", "node6@x");
  expect_error(router_.for_backend("node3@x", "", Arrival::FromClient), Fault::BadRequest, kUnavailable);
  expect_error(router_.for_backend("node3@dead4", "c4", Arrival::FromClient), Fault::BadRequest, kUnavailable);
  expect_error(router_.for_backend("node3@x", "c2", Arrival::Forwarded), Fault::BadRequest, kUnavailable);
  expect_local(router_.for_backend("node1@off1", "c5", Arrival::FromClient), "its own, down, with no other member");
}

// Where such a row is served once here (host_resolution.hpp): its own backend if up (or, unclustered,
// in whatever state), else this node's up member of its cluster.
TEST_F(RequestRouting, ARowIsServedByItsOwnBackendOrAnUpMemberHere) {
  const BackendRegistry& backends = *host_.setup().backends;
  auto own = backend_of_row(backends, "node1@fake1");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ((*own)->key, "node1@fake1");
  auto member = backend_of_row(backends, "node2@fake1", "c1");
  ASSERT_TRUE(member.ok()) << member.error().message;
  EXPECT_EQ((*member)->key, "node1@fake1");
  for (const char* cluster : {"", "c5"}) {
    auto disabled = backend_of_row(backends, "node1@off1", cluster);
    ASSERT_FALSE(disabled.ok()) << cluster;
    EXPECT_EQ(disabled.error().fault, Fault::BadRequest);
    EXPECT_EQ(disabled.error().message, kUnavailable);
  }
  for (const char* cluster : {"", "c2"}) {
    auto elsewhere = backend_of_row(backends, "node2@fake1", cluster);
    ASSERT_FALSE(elsewhere.ok()) << cluster;
    EXPECT_EQ(elsewhere.error().fault, Fault::NotFound);
    EXPECT_EQ(elsewhere.error().message, "Service cinder-volume could not be found on host node2@fake1.");
  }
}

TEST_F(RequestRouting, AForwardedRequestIsNeverForwardedAgain) {
  expect_local(target("node1@fake1", "", Arrival::Forwarded), "served here");
  expect_local(target("", "c1", Arrival::Forwarded), "a cluster served here");
  expect_error(target("node2@fake", "", Arrival::Forwarded), Fault::BadRequest, kUnavailable);
  expect_error(target("", "c2", Arrival::Forwarded), Fault::BadRequest, kUnavailable);
  expect_error(router_.for_backend("node2@fake", "", Arrival::Forwarded), Fault::BadRequest, kUnavailable);
}

}  // namespace
}  // namespace snapmgr::core
