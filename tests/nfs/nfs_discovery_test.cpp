// Discovery against the hook's inventory, over NFS-Ganesha and as a local directory: listing,
// sizes, origins, in-use, broken files, a 5,000-file share.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "nfs_fixture.hpp"

namespace snapmgr::nfs_test {
namespace {

using testing::test_call;

class DiscoveryTest : public NfsShareTest {
 protected:
  std::vector<ManageableSnapshot> snapshots() {
    auto listed = list_snapshots(*driver().snapshot_discovery(), test_call());
    EXPECT_TRUE(listed.ok()) << listed.error().message();
    return listed.ok() ? *listed : std::vector<ManageableSnapshot>{};
  }
  static const ManageableSnapshot* find(const std::vector<ManageableSnapshot>& all, const std::string& name) {
    for (const auto& s : all) {
      if (s.reference == testing::source_name(name)) return &s;
    }
    return nullptr;
  }
  std::string share() const {
    return GetParam() == ShareKind::Ganesha ? std::string("127.0.0.1:/export") : NfsFixture::get().export_dir();
  }
};

TEST_P(DiscoveryTest, ListsSnapshotsWithSizesOriginsAndInUse) {
  const auto all = snapshots();
  ASSERT_EQ(all.size(), 3u);
  const ManageableSnapshot* a1 = find(all, kSnapA1);
  const ManageableSnapshot* a2 = find(all, kSnapA2);
  const ManageableSnapshot* nightly = find(all, kNightlyB);
  ASSERT_TRUE(a1 && a2 && nightly);
  EXPECT_EQ(a1->size_bytes, 64 * kMiB);
  EXPECT_EQ(a1->source_reference, ref(kVolumeA));
  EXPECT_FALSE(a1->in_use);
  EXPECT_FALSE(a1->reason);
  EXPECT_EQ(a1->extra_info, (StringMap{{"share", share()}, {"backing_file", kVolumeA}, {"format", "qcow2"}}));
  // The second overlay's origin is the volume at the bottom of the chain, not the overlay below.
  EXPECT_EQ(a2->source_reference, ref(kVolumeA));
  EXPECT_EQ(*a2->extra_info.find("backing_file"), kSnapA1);
  EXPECT_TRUE(a2->in_use);  // the active image in the volume's .info
  EXPECT_FALSE(a2->reason);
  EXPECT_EQ(nightly->size_bytes, 48 * kMiB);  // its own virtual size, not its volume's 32 MiB
  EXPECT_EQ(nightly->source_reference, ref(kVolumeB));
  EXPECT_FALSE(nightly->in_use);  // volume B has no .info: its active image is the volume file
}

TEST_P(DiscoveryTest, ListsVolumes) {
  auto listed = list_volumes(*driver().volume_discovery(), test_call());
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->size(), 2u);
  const auto& a = (*listed)[0].reference == ref(kVolumeA) ? (*listed)[0] : (*listed)[1];
  const auto& b = (*listed)[0].reference == ref(kVolumeA) ? (*listed)[1] : (*listed)[0];
  EXPECT_EQ(a.reference, ref(kVolumeA));
  EXPECT_EQ(a.size_bytes, 64 * kMiB) << a.reason.value_or("");
  EXPECT_EQ(*a.extra_info.find("format"), "raw");
  EXPECT_EQ(b.reference, ref(kVolumeB));
  EXPECT_EQ(b.size_bytes, 32 * kMiB);
  EXPECT_EQ(*b.extra_info.find("format"), "qcow2");
  EXPECT_FALSE(a.in_use || b.in_use);
}

TEST_P(DiscoveryTest, InspectionAgreesWithListingAndChecksTheOrigin) {
  auto adoption = driver().snapshot_adoption();
  for (const auto& listed : snapshots()) {
    auto inspected = adoption->inspect_snapshot(test_call(), listed.reference, listed.source_reference);
    ASSERT_TRUE(inspected.ok()) << inspected.error().message();
    EXPECT_EQ(inspected->reference, listed.reference);
    EXPECT_EQ(inspected->size_bytes, listed.size_bytes);
    EXPECT_EQ(inspected->in_use, listed.in_use);
  }
  auto wrong_volume = adoption->inspect_snapshot(test_call(), ref(kSnapA1), ref(kVolumeB));
  ASSERT_FALSE(wrong_volume.ok());
  EXPECT_EQ(wrong_volume.error().code(), ErrorCode::InvalidReference);
  EXPECT_NE(wrong_volume.error().message().find("is a snapshot of volume '" + kVolumeA + "'"), std::string::npos)
      << wrong_volume.error().message();
  auto a_volume = adoption->inspect_snapshot(test_call(), ref(kVolumeA), ref(kVolumeA));
  ASSERT_FALSE(a_volume.ok());
  EXPECT_NE(a_volume.error().message().find("is a volume, not a snapshot"), std::string::npos);
  auto a_snapshot = driver().volume_adoption()->inspect_volume(test_call(), ref(kNightlyB));
  ASSERT_FALSE(a_snapshot.ok());
  EXPECT_EQ(a_snapshot.error().code(), ErrorCode::InvalidReference);
  EXPECT_NE(a_snapshot.error().message().find("is a snapshot"), std::string::npos);
  auto volume = driver().volume_adoption()->inspect_volume(test_call(), ref(kVolumeB));
  ASSERT_TRUE(volume.ok()) << volume.error().message();
  EXPECT_EQ(volume->size_bytes, 32 * kMiB);
}

TEST_P(DiscoveryTest, BrokenFilesAreListedWithAReasonAndTheRestStillWorks) {
  const std::string dir = NfsFixture::get().export_dir();
  const std::string cut = kVolumeA + ".0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c99";
  write_file(dir + "/" + cut, read_file(dir + "/" + kSnapA1).substr(0, 50));
  std::string bad_version = read_file(dir + "/" + kNightlyB).substr(0, 4096);
  bad_version[7] = 9;
  write_file(dir + "/bad-version.qcow2", bad_version);
  const auto create = [&](const std::string& name, const std::string& backing) {
    run({"qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", backing, "-F", "qcow2", dir + "/" + name, "1M"});
  };
  create("loop-a.qcow2", "loop-b.qcow2");
  create("loop-b.qcow2", "loop-a.qcow2");
  create("escape.qcow2", "../scratch/secret");
  create("absolute.qcow2", "/etc/passwd");
  create("dangling.qcow2", "gone.qcow2");
  const auto all = snapshots();
  EXPECT_EQ(all.size(), 3u + 7u);
  // An absolute backing path can point into a local share, never into an NFS one.
  const std::string absolute = GetParam() == ShareKind::Local ? "outside the share" : "absolute path";
  const std::pair<std::string, std::string> expected[] = {{cut, "truncated"},
                                                          {"bad-version.qcow2", "version 9"},
                                                          {"loop-a.qcow2", "loops"},
                                                          {"loop-b.qcow2", "loops"},
                                                          {"escape.qcow2", "outside"},
                                                          {"absolute.qcow2", absolute},
                                                          {"dangling.qcow2", "'gone.qcow2' does not exist"}};
  for (const auto& [name, why] : expected) {
    const ManageableSnapshot* s = find(all, name);
    ASSERT_TRUE(s) << name << " is not listed";
    EXPECT_NE(s->reason.value_or("").find(why), std::string::npos) << name << ": " << s->reason.value_or("(none)");
    auto adopted = driver().snapshot_adoption()->adopt_snapshot(test_call(), s->reference, ref(kVolumeA), "id-" + name);
    ASSERT_FALSE(adopted.ok()) << name;
    EXPECT_EQ(adopted.error().code(), ErrorCode::InvalidReference) << adopted.error().message();
  }
  EXPECT_EQ(find(all, cut)->source_reference, ref(kVolumeA));  // the origin its Cinder name gives
  ASSERT_TRUE(find(all, kSnapA1));
  EXPECT_FALSE(find(all, kSnapA1)->reason);
}

// 1,000 volumes (sparse raw), 2,000 overlays in Cinder chains of two, 1,000 info files and
// 1,000 unrelated files: 5,000 files. The listing time is printed (bench/README.md quotes it).
TEST_P(DiscoveryTest, FiveThousandFiles) {
  const std::string dir = NfsFixture::get().export_dir();
  const std::string scratch = NfsFixture::get().scratch_dir() + "/templates-" + to_string(GetParam());
  std::filesystem::create_directories(scratch);
  const auto volume = [](int i) {
    char name[64];
    std::snprintf(name, sizeof name, "volume-%08x-0000-4000-8000-%012x", i, i);
    return std::string(name);
  };
  const auto overlay = [&](int i, int n) { return volume(i) + "." + volume(1000000 + 2 * i + n).substr(7); };
  // Real qcow2 overlays made by qemu-img once, then copied with the backing name replaced
  // (names of one kind have one length, so the header layout stays the same).
  const auto template_for = [&](const std::string& backing) {
    const std::string path = scratch + "/" + std::to_string(backing.size());
    run({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=512", "-u", "-b", backing, "-F", "raw", path,
         "1G"});
    std::string bytes = read_file(path);
    return std::pair{bytes, bytes.find(backing)};
  };
  const auto [on_volume, at_volume] = template_for(volume(0));
  const auto [on_overlay, at_overlay] = template_for(overlay(0, 1));
  for (int i = 0; i < 1000; ++i) {
    write_file(dir + "/" + volume(i), "");
    std::filesystem::resize_file(dir + "/" + volume(i), 1ull << 30);
    std::string s1 = on_volume;
    s1.replace(at_volume, volume(i).size(), volume(i));
    write_file(dir + "/" + overlay(i, 1), s1);
    std::string s2 = on_overlay;
    s2.replace(at_overlay, overlay(i, 1).size(), overlay(i, 1));
    write_file(dir + "/" + overlay(i, 2), s2);
    write_file(dir + "/" + volume(i) + ".info", "{\"active\": \"" + overlay(i, 2) + "\"}");
    write_file(dir + "/unrelated-" + std::to_string(i) + ".iso", std::string(4096, 'x'));
  }
  const auto started = std::chrono::steady_clock::now();
  auto listed = list_snapshots(*driver().snapshot_discovery(), test_call(std::chrono::seconds(120)));
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  std::printf("[ nfs bench ] %s share, %zu files: list_snapshots took %lld ms\n", to_string(GetParam()).c_str(),
              static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {})),
              static_cast<long long>(elapsed.count()));
  EXPECT_EQ(listed->size(), 2000u + 3u);
  std::size_t in_use = 0;
  for (const auto& s : *listed) {
    in_use += s.in_use ? 1 : 0;
    EXPECT_FALSE(s.reason) << s.reference.find("source-name") << ": " << *s.reason;
  }
  EXPECT_EQ(in_use, 1000u + 1u);
  const ManageableSnapshot* last = find(*listed, overlay(999, 2));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->source_reference, ref(volume(999)));
  EXPECT_EQ(last->size_bytes, 1ull << 30);
  auto volumes = list_volumes(*driver().volume_discovery(), test_call(std::chrono::seconds(120)));
  ASSERT_TRUE(volumes.ok()) << volumes.error().message();
  EXPECT_EQ(volumes->size(), 1000u + 2u);
}

TEST_P(DiscoveryTest, AnExpiredCallIsATimeout) {
  auto listed = list_snapshots(*driver().snapshot_discovery(), test_call(std::chrono::milliseconds(0)));
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code(), ErrorCode::Timeout);
}

INSTANTIATE_TEST_SUITE_P(Shares, DiscoveryTest, ::testing::Values(ShareKind::Ganesha, ShareKind::Local),
                         ShareKindName());

}  // namespace
}  // namespace snapmgr::nfs_test
