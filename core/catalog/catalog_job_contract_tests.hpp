// The job-queue part of the Catalog contract (Catalog::claim_jobs, migration 4), as typed tests
// run on every implementation: instantiated next to catalog_contract_tests.hpp by
// sqlite_catalog_test.cpp and postgres_catalog_test.cpp. Claimers are hosts with service rows;
// "down" is a heartbeat older than the claim's down_before.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/catalog/catalog_contract_tests.hpp"

namespace snapmgr::core {

template <class Impl>
class CatalogJobContractTest : public CatalogContractTest<Impl> {
 protected:
  // A service of `host` for backend fake1, its heartbeat now.
  void register_claimer(const std::string& host) {
    VolumeServiceRow row = service_row("fake1", "", false);
    row.host = host;
    ASSERT_TRUE(this->catalog_->upsert_service(row).ok());
  }
  void queue_volume(const std::string& id, const std::string& backend = "node1@fake1") {
    auto v = volume(id, "volume-" + id);
    v.status = "creating";
    v.backend = backend;
    v.job_request_id = "req-" + id;
    ASSERT_TRUE(this->catalog_->insert_volume(v).ok());
  }
  ServiceResult<std::vector<Job>> claim(const std::string& claimer, std::size_t limit = 100,
                                        std::vector<std::string> running = {},
                                        std::vector<std::string> backends = {"node1@fake1"}) {
    JobClaim c;
    c.claimer = claimer;
    c.backends = std::move(backends);
    c.down_before = format_timestamp(std::chrono::system_clock::now() - std::chrono::seconds(60));
    c.running = std::move(running);
    c.limit = limit;
    return this->catalog_->claim_jobs(c);
  }
  std::string claimed_by(const char* table, const std::string& id) {
    return this->impl_.scalar(std::string("SELECT claimed_by FROM ") + table + " WHERE id = '" + id + "'");
  }
};

TYPED_TEST_SUITE_P(CatalogJobContractTest);

TYPED_TEST_P(CatalogJobContractTest, EachJobIsClaimedOnceByEightConcurrentClaimers) {
  for (int i = 0; i < 24; ++i) this->queue_volume("q" + std::to_string(i));
  ASSERT_TRUE(this->catalog_->insert_volume(volume("parent", "volume-parent")).ok());
  for (int i = 0; i < 8; ++i) {
    auto s = snapshot("s" + std::to_string(i), "parent", "lvol" + std::to_string(i));
    s.job_size_gib = 3;
    ASSERT_TRUE(this->catalog_->insert_snapshot(s).ok());
  }
  for (int i = 0; i < 8; ++i) this->register_claimer("node" + std::to_string(i));
  std::mutex mutex;
  std::map<std::string, std::string> owner;  // job id -> claimer
  std::vector<std::string> duplicates, errors;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const std::string me = "node" + std::to_string(i);
      std::vector<std::string> mine;  // its jobs under way: not to be claimed again
      while (true) {
        auto jobs = this->claim(me, 2, mine);
        std::lock_guard lock(mutex);
        if (!jobs.ok()) {
          errors.push_back(jobs.error().message);
          return;
        }
        if (jobs->empty()) return;
        for (const Job& job : *jobs) {
          mine.push_back(job.id);
          if (!owner.emplace(job.id, me).second) duplicates.push_back(job.id);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_TRUE(duplicates.empty()) << duplicates.size() << " job(s) claimed twice, e.g. " << duplicates.front();
  EXPECT_EQ(owner.size(), 32u);
  for (const auto& [id, claimer] : owner) {
    EXPECT_EQ(this->claimed_by(id[0] == 's' ? "snapshots" : "volumes", id), claimer) << id;
  }
}

TYPED_TEST_P(CatalogJobContractTest, OnlyLiveCreatingOrUnmanagingRowsOfTheGivenBackendsAreClaimed) {
  this->queue_volume("mine");
  this->queue_volume("theirs", "node2@fake2");
  ASSERT_TRUE(this->catalog_->insert_volume(volume("settled", "volume-settled")).ok());
  ASSERT_TRUE(this->catalog_->insert_volume(volume("leaving", "volume-leaving")).ok());
  RowUpdate unmanage;
  unmanage.status = "unmanaging";
  unmanage.job_request_id = "req-unmanage";
  ASSERT_TRUE(*this->catalog_->update_volume("leaving", unmanage));
  this->queue_volume("gone");
  RowUpdate remove;
  remove.soft_delete = true;
  ASSERT_TRUE(*this->catalog_->update_volume("gone", remove));
  const auto generation = this->catalog_->generation();

  auto jobs = this->claim("node1");
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  std::map<std::string, std::string> status;
  for (const Job& job : *jobs) status[job.id] = job.status;
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"mine", "creating"}, {"leaving", "unmanaging"}}));
  EXPECT_EQ(this->claimed_by("volumes", "theirs"), "") << "another backend's job is left alone";
  EXPECT_EQ(this->catalog_->generation(), generation) << "a claim changes nothing a record shows";
  EXPECT_EQ((*this->catalog_->find_volume("leaving"))->job_request_id, "req-unmanage");
  EXPECT_EQ((*this->catalog_->find_volume("mine"))->job_request_id, "req-mine");
  EXPECT_TRUE(this->claim("node1", 100, {}, {})->empty()) << "no backend, no job";
}

TYPED_TEST_P(CatalogJobContractTest, AClaimOfADownClaimerIsTakenOverAndAnUpClaimersIsNot) {
  this->queue_volume("a");
  this->queue_volume("b");
  this->queue_volume("c");
  this->register_claimer("up");
  this->register_claimer("down");
  ASSERT_EQ(this->claim("down", 1)->at(0).id, "a");
  ASSERT_EQ(this->claim("up", 1)->at(0).id, "b");
  ASSERT_EQ(this->claim("vanished", 1)->at(0).id, "c");  // a claimer without a service row
  this->impl_.exec("UPDATE services SET updated_at = '2020-01-01T00:00:00.000000' WHERE host = 'down'");
  this->register_claimer("other");

  auto taken = this->claim("other");
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  std::map<std::string, std::string> from;
  for (const Job& job : *taken) from[job.id] = job.previous_claimer;
  EXPECT_EQ(from, (std::map<std::string, std::string>{{"a", "down"}, {"c", "vanished"}}));
  EXPECT_EQ(this->claimed_by("volumes", "a"), "other");
  EXPECT_EQ(this->claimed_by("volumes", "b"), "up");
  EXPECT_TRUE(this->claim("third")->empty()) << "every claim is now held by an up claimer";
}

TYPED_TEST_P(CatalogJobContractTest, OwnClaimsAreTakenAgainUnlessRunningAndAStatusChangeEndsAClaim) {
  this->queue_volume("a");
  this->register_claimer("node1");
  ASSERT_EQ(this->claim("node1")->size(), 1u);
  EXPECT_TRUE(this->claim("node1", 100, {"a"})->empty()) << "running here: not again";
  auto again = this->claim("node1");
  ASSERT_EQ(again->size(), 1u) << "left by a previous process of the same host";
  EXPECT_EQ(again->at(0).previous_claimer, "node1");
  RowUpdate failed;
  failed.expected_status = {"creating"};
  failed.status = "error";
  ASSERT_TRUE(*this->catalog_->update_volume("a", failed));
  EXPECT_EQ(this->claimed_by("volumes", "a"), "");
  RowUpdate unmanage;
  unmanage.status = "unmanaging";
  ASSERT_TRUE(*this->catalog_->update_volume("a", unmanage));
  this->register_claimer("node2");
  auto next = this->claim("node2");
  ASSERT_EQ(next->size(), 1u) << "the unmanage is a new, unclaimed job";
  EXPECT_EQ(next->at(0).previous_claimer, "");
}

TYPED_TEST_P(CatalogJobContractTest, MigrationFourLeavesQueuedRowsUnclaimedAndTheirJobDataEmpty) {
  this->queue_volume("v1");
  ASSERT_TRUE(this->catalog_->insert_volume(volume("parent", "volume-parent")).ok());
  ASSERT_TRUE(this->catalog_->insert_snapshot(snapshot("s1", "parent", "lvol0")).ok());
  this->catalog_.reset();
  drop_job_columns(this->impl_);
  drop_reference_moves(this->impl_);
  this->impl_.set_schema_version(3);
  auto reopened = this->impl_.open();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  this->catalog_ = std::move(*reopened);
  EXPECT_EQ(this->impl_.schema_version(), latest_schema_version());
  auto s = *this->catalog_->find_snapshot("s1");
  EXPECT_EQ(s->job_request_id, "");
  EXPECT_FALSE(s->job_size_gib.has_value());
  auto jobs = this->claim("node1");
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ(jobs->at(0).kind, ObjectKind::Volume) << "volumes first";
  EXPECT_EQ(jobs->at(1).id, "s1");
}

REGISTER_TYPED_TEST_SUITE_P(CatalogJobContractTest, EachJobIsClaimedOnceByEightConcurrentClaimers,
                            OnlyLiveCreatingOrUnmanagingRowsOfTheGivenBackendsAreClaimed,
                            AClaimOfADownClaimerIsTakenOverAndAnUpClaimersIsNot,
                            OwnClaimsAreTakenAgainUnlessRunningAndAStatusChangeEndsAClaim,
                            MigrationFourLeavesQueuedRowsUnclaimedAndTheirJobDataEmpty);

}  // namespace snapmgr::core
