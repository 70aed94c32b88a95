// Adoption and release over NFS-Ganesha and as a local directory: the association lands in
// the volume's Cinder info file (read back from the exported directory), files are never
// renamed or modified, a second adoption fails, concurrent adoptions do not lose updates.
#include <filesystem>
#include <thread>

#include <boost/json/parse.hpp>

#include "nfs_fixture.hpp"

namespace snapmgr::nfs_test {
namespace {

using testing::test_call;

const std::string kCatalogId = "aaaaaaaa-1111-4222-8333-000000000001";
const std::string kOtherId = "aaaaaaaa-1111-4222-8333-000000000002";

std::string text(const boost::json::value& v) { return v.is_string() ? std::string(v.as_string()) : "(not a string)"; }

class AdoptionTest : public NfsShareTest {
 protected:
  std::string path(const std::string& name) const { return NfsFixture::get().export_dir() + "/" + name; }
  boost::json::object info_of(const std::string& volume) const {
    boost::system::error_code ec;
    auto value = boost::json::parse(read_file(path(volume + ".info")), ec);
    EXPECT_FALSE(ec) << ec.message();
    return ec || !value.is_object() ? boost::json::object{} : value.as_object();
  }
  std::optional<std::string> reason_of(const std::string& name) {
    auto listed = list_snapshots(*driver().snapshot_discovery(), test_call());
    EXPECT_TRUE(listed.ok());
    for (const auto& s : listed.ok() ? *listed : std::vector<ManageableSnapshot>{}) {
      if (s.reference == ref(name)) return s.reason;
    }
    ADD_FAILURE() << name << " is not listed";
    return std::nullopt;
  }
};

TEST_P(AdoptionTest, AdoptionAddsTheIdToTheInfoFileAndKeepsEverythingElse) {
  const std::string before = read_file(path(kVolumeA + ".info"));
  const auto files_before = fingerprint(NfsFixture::get().export_dir());
  auto adopted = driver().snapshot_adoption()->adopt_snapshot(test_call(), ref(kSnapA1), ref(kVolumeA), kCatalogId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  EXPECT_EQ(*adopted, ref(kSnapA1));  // no rename: the provider reference is the file
  const auto info = info_of(kVolumeA);
  EXPECT_EQ(info.size(), 4u);
  EXPECT_EQ(text(info.at("active")), kSnapA2);
  EXPECT_EQ(text(info.at(kSnapIdA1)), kSnapA1);
  EXPECT_EQ(text(info.at(kSnapIdA2)), kSnapA2);
  EXPECT_EQ(text(info.at(kCatalogId)), kSnapA1);
  // Cinder's own format, keys sorted ("aaaaaaaa-..." before "active").
  EXPECT_EQ(read_file(path(kVolumeA + ".info")), "{\n \"" + kSnapIdA1 + "\": \"" + kSnapA1 + "\",\n \"" + kSnapIdA2 +
                                                     "\": \"" + kSnapA2 + "\",\n \"" + kCatalogId + "\": \"" + kSnapA1 +
                                                     "\",\n \"active\": \"" + kSnapA2 + "\"\n}");
  auto files_after = fingerprint(NfsFixture::get().export_dir());
  files_after.erase(kVolumeA + ".info");
  auto unchanged = files_before;
  unchanged.erase(kVolumeA + ".info");
  EXPECT_EQ(files_after, unchanged);  // only the info file changed; no temporary file is left
  EXPECT_EQ(reason_of(kSnapA1).value_or(""),
            "already adopted as " + kCatalogId + " (recorded in " + kVolumeA + ".info)");
  // Release removes exactly that key: the info file is byte for byte what Cinder wrote.
  ASSERT_TRUE(driver().snapshot_release()->release_snapshot(test_call(), *adopted, kCatalogId).ok());
  EXPECT_EQ(read_file(path(kVolumeA + ".info")), before);
  EXPECT_EQ(fingerprint(NfsFixture::get().export_dir()).size(), files_before.size());
  EXPECT_FALSE(reason_of(kSnapA1));
}

TEST_P(AdoptionTest, AdoptionCreatesAMissingInfoFile) {
  ASSERT_FALSE(std::filesystem::exists(path(kVolumeB + ".info")));
  auto adopted = driver().snapshot_adoption()->adopt_snapshot(test_call(), ref(kNightlyB), ref(kVolumeB), kCatalogId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  const auto info = info_of(kVolumeB);
  EXPECT_EQ(info, (boost::json::object{{"active", kVolumeB}, {kCatalogId, kNightlyB}}));
  // The in-use snapshot can be adopted too (the host decides whether it should be).
  auto active = driver().snapshot_adoption()->adopt_snapshot(test_call(), ref(kSnapA2), ref(kVolumeA), kOtherId);
  ASSERT_TRUE(active.ok()) << active.error().message();
  EXPECT_EQ(text(info_of(kVolumeA).at(kOtherId)), kSnapA2);
}

TEST_P(AdoptionTest, ASecondAdoptionFailsAndARetryIsHarmless) {
  auto adoption = driver().snapshot_adoption();
  ASSERT_TRUE(adoption->adopt_snapshot(test_call(), ref(kNightlyB), ref(kVolumeB), kCatalogId).ok());
  const std::string recorded = read_file(path(kVolumeB + ".info"));
  auto retry = adoption->adopt_snapshot(test_call(), ref(kNightlyB), ref(kVolumeB), kCatalogId);
  ASSERT_TRUE(retry.ok()) << retry.error().message();
  auto second = adoption->adopt_snapshot(test_call(), ref(kNightlyB), ref(kVolumeB), kOtherId);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::AlreadyManaged);
  EXPECT_NE(second.error().message().find("already adopted as " + kCatalogId), std::string::npos)
      << second.error().message();
  EXPECT_EQ(read_file(path(kVolumeB + ".info")), recorded);
  auto wrong_origin = adoption->adopt_snapshot(test_call(), ref(kSnapA1), ref(kVolumeB), kOtherId);
  ASSERT_FALSE(wrong_origin.ok());
  EXPECT_EQ(wrong_origin.error().code(), ErrorCode::InvalidReference);
  EXPECT_EQ(read_file(path(kVolumeB + ".info")), recorded);
}

TEST_P(AdoptionTest, VolumesAdoptTheSameWay) {
  auto adoption = driver().volume_adoption();
  auto adopted = adoption->adopt_volume(test_call(), ref(kVolumeB), kCatalogId);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  EXPECT_EQ(*adopted, ref(kVolumeB));
  EXPECT_EQ(info_of(kVolumeB), (boost::json::object{{"active", kVolumeB}, {kCatalogId, kVolumeB}}));
  auto second = adoption->adopt_volume(test_call(), ref(kVolumeB), kOtherId);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::AlreadyManaged);
  auto listed = list_volumes(*driver().volume_discovery(), test_call());
  ASSERT_TRUE(listed.ok());
  for (const auto& v : *listed) {
    if (v.reference == ref(kVolumeB)) {
      EXPECT_NE(v.reason.value_or("").find("already adopted"), std::string::npos);
    } else {
      EXPECT_FALSE(v.reason);
    }
  }
  // Its snapshots stay adoptable: the volume's record is not theirs.
  EXPECT_TRUE(driver().snapshot_adoption()->adopt_snapshot(test_call(), ref(kNightlyB), ref(kVolumeB), kOtherId).ok());
  EXPECT_EQ(info_of(kVolumeB).size(), 3u);
}

TEST_P(AdoptionTest, ReleaseOfSomethingNeverRecordedChangesNothing) {
  const auto before = fingerprint(NfsFixture::get().export_dir());
  ASSERT_TRUE(driver().snapshot_release()->release_snapshot(test_call(), ref(kSnapA1), kOtherId).ok());
  // A key that names another file is not ours to remove.
  ASSERT_TRUE(driver().snapshot_release()->release_snapshot(test_call(), ref(kSnapA1), kSnapIdA2).ok());
  EXPECT_EQ(fingerprint(NfsFixture::get().export_dir()), before);
}

// Each adoption is a read-modify-write of the same info file; the share's lock keeps the
// second from overwriting the first.
TEST_P(AdoptionTest, ConcurrentAdoptionsOnOneVolumeAreAllRecorded) {
  for (int round = 0; round < 5; ++round) {
    NfsFixture::get().reset();
    std::vector<std::thread> threads;
    std::vector<Result<StringMap>> results(2, Error::backend("not run"));
    const std::string snaps[] = {kSnapA1, kSnapA2};
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        results[i] = driver().snapshot_adoption()->adopt_snapshot(
            test_call(), ref(snaps[i]), ref(kVolumeA), "id-" + std::to_string(round) + "-" + std::to_string(i));
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().message();
    const auto info = info_of(kVolumeA);
    EXPECT_EQ(info.size(), 5u) << "round " << round;
  }
}

TEST_P(AdoptionTest, ConcurrentListingsAgree) {
  std::vector<std::thread> threads;
  std::vector<std::size_t> sizes(8, 0);
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 5; ++k) {
        auto listed = list_snapshots(*driver().snapshot_discovery(), test_call());
        if (!listed.ok() || (sizes[i] != 0 && sizes[i] != listed->size())) ++failures;
        if (listed.ok()) sizes[i] = listed->size();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(sizes, std::vector<std::size_t>(8, 3));
}

INSTANTIATE_TEST_SUITE_P(Shares, AdoptionTest, ::testing::Values(ShareKind::Ganesha, ShareKind::Local),
                         ShareKindName());

}  // namespace
}  // namespace snapmgr::nfs_test
