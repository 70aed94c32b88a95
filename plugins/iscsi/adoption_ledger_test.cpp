// The adoption ledger (adoption_ledger.hpp): what makes a second adoption of a LUN fail.
#include "adoption_ledger.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace snapmgr::iscsi {
namespace {

namespace fs = std::filesystem;

const LunAddress kA{"iqn.2026-11.io.snapmgr:snap-vol-a-1", 1};
const LunAddress kB{"iqn.2026-11.io.snapmgr:snap-vol-a-9", 3};
const std::string kD = "naa.60000000000000000e00000000030001";
const std::string kE = "naa.60000000000000000e00000000090003";

class AdoptionLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/snapmgr-iscsi-unit-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

void expect_already_managed(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::AlreadyManaged) << st.error().message();
  EXPECT_NE(st.error().message().find(fragment), std::string::npos) << st.error().message();
}

TEST_F(AdoptionLedgerTest, ASecondAdoptionUnderAnotherIdIsAlreadyManaged) {
  AdoptionLedger ledger(dir_);
  ASSERT_TRUE(ledger.record("snapshot", kA, kD, "id-1").ok());
  expect_already_managed(ledger.record("snapshot", kA, kD, "id-2"),
                         "LUN " + to_string(kA) + " was already adopted as snapshot id-1");
  expect_already_managed(ledger.record("volume", kA, kD, "id-1"), "recorded in " + ledger.path());
  EXPECT_TRUE(ledger.record("snapshot", kA, kD, "id-1").ok()) << "a retried adoption must succeed";
}

TEST_F(AdoptionLedgerTest, ALunIsKnownByItsDesignatorWhereverItMoves) {
  AdoptionLedger ledger(dir_);
  ASSERT_TRUE(ledger.record("snapshot", kA, kD, "id-1").ok());
  expect_already_managed(ledger.record("snapshot", kB, kD, "id-2"), "id-1");
  EXPECT_TRUE(ledger.record("snapshot", kA, kE, "id-3").ok()) << "another LUN now at the old address";
}

TEST_F(AdoptionLedgerTest, WithoutDesignatorsTheAddressDecidesCaseInsensitively) {
  AdoptionLedger ledger(dir_);
  ASSERT_TRUE(ledger.record("volume", kA, "", "id-1").ok());
  expect_already_managed(ledger.record("volume", {"IQN.2026-11.IO.SNAPMGR:SNAP-VOL-A-1", 1}, "", "id-2"), "id-1");
  EXPECT_TRUE(ledger.record("volume", {kA.target, 2}, "", "id-3").ok());
}

TEST_F(AdoptionLedgerTest, ForgettingAllowsANewAdoptionAndSurvivesANewInstance) {
  {
    AdoptionLedger ledger(dir_);
    ASSERT_TRUE(ledger.record("snapshot", kA, kD, "id-1").ok());
  }
  AdoptionLedger reopened(dir_);
  expect_already_managed(reopened.record("snapshot", kA, kD, "id-2"), "id-1");
  auto forgotten = reopened.forget("snapshot", "id-1");
  ASSERT_TRUE(forgotten.ok()) << forgotten.error().message();
  EXPECT_TRUE(*forgotten);
  EXPECT_FALSE(*reopened.forget("snapshot", "id-1"));
  EXPECT_TRUE(reopened.record("snapshot", kA, kD, "id-2").ok());
}

TEST_F(AdoptionLedgerTest, AnUnreadableFileIsABackendErrorAndIsLeftAlone) {
  AdoptionLedger ledger(dir_);
  std::ofstream(ledger.path()) << "{not json";
  auto st = ledger.record("snapshot", kA, kD, "id-1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::BackendError);
  EXPECT_NE(st.error().message().find(ledger.path()), std::string::npos) << st.error().message();
  std::stringstream content;
  content << std::ifstream(ledger.path()).rdbuf();
  EXPECT_EQ(content.str(), "{not json");
}

TEST_F(AdoptionLedgerTest, OfConcurrentAdoptionsOfOneLunExactlyOneSucceeds) {
  AdoptionLedger ledger(dir_);
  std::atomic<int> succeeded{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto st = ledger.record("snapshot", kA, kD, "id-" + std::to_string(i));
      (st.ok() ? succeeded : refused)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

}  // namespace
}  // namespace snapmgr::iscsi
