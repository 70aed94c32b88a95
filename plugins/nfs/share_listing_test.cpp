// Discovery logic (share_scan, file_analysis, share_listing) over a real local directory whose
// files are crafted byte by byte.
#include "share_listing.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "local_share_dir.hpp"
#include "qcow2_test_image.hpp"
#include "volume_info.hpp"

namespace snapmgr::nfs {
namespace {

using testing::LocalShareDir;
using testing::qcow2_bytes;
using testing::Qcow2Fields;

const std::string kVol = "volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11";
const std::string kS1 = kVol + ".0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21";
const std::string kS2 = kVol + ".0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c22";

class ShareListingTest : public ::testing::Test {
 protected:
  ShareListingTest() : naming_(*NamingScheme::create("volume-%s", "snapshot-%s")) {}

  ShareListing list() {
    Call call;
    auto listing = list_share(dir_.share(), call, naming_);
    EXPECT_TRUE(listing.ok()) << listing.error().message();
    return listing.ok() ? std::move(*listing) : ShareListing{};
  }
  static const ListedFile* find(const std::vector<ListedFile>& files, const std::string& name) {
    for (const auto& f : files) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  std::string reason_of(const std::string& name) {
    auto listing = list();
    const ListedFile* f = find(listing.snapshots, name);
    if (!f) f = find(listing.volumes, name);
    EXPECT_TRUE(f) << name << " is not listed";
    return f && f->reason ? *f->reason : "";
  }

  LocalShareDir dir_;
  NamingScheme naming_;
};

TEST_F(ShareListingTest, CinderChainWithInfoFile) {
  dir_.write(kVol, std::string(4096, '\0'));
  dir_.write(kS1, qcow2_bytes(Qcow2Fields().size(4096).backing(kVol)));
  dir_.write(kS2, qcow2_bytes(Qcow2Fields().size(8192).backing(kS1)));
  dir_.write(kVol + ".info", "{\"active\": \"" + kS2 + "\"}");
  auto listing = list();
  ASSERT_EQ(listing.volumes.size(), 1u);
  EXPECT_EQ(listing.volumes[0].name, kVol);
  EXPECT_EQ(listing.volumes[0].analysis.size, 4096u);
  EXPECT_EQ(listing.volumes[0].format, "raw");
  EXPECT_FALSE(listing.volumes[0].in_use);
  ASSERT_EQ(listing.snapshots.size(), 2u);
  const ListedFile* s1 = find(listing.snapshots, kS1);
  const ListedFile* s2 = find(listing.snapshots, kS2);
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(s1->analysis.base.value_or(""), kVol);
  EXPECT_EQ(s2->analysis.base.value_or(""), kVol);  // the bottom of the chain, not the overlay below
  EXPECT_EQ(s2->analysis.size, 8192u);
  EXPECT_EQ(s2->backing_file.value_or(""), kS1);
  EXPECT_FALSE(s1->in_use);
  EXPECT_TRUE(s2->in_use);
  EXPECT_FALSE(s1->reason);
  EXPECT_FALSE(s2->reason);
}

TEST_F(ShareListingTest, WithoutInfoFileTheVolumeIsActive) {
  dir_.write(kVol, qcow2_bytes(Qcow2Fields().size(1 << 20)));
  dir_.write("hand-made.qcow2", qcow2_bytes(Qcow2Fields().size(2 << 20).backing(kVol)));
  auto listing = list();
  ASSERT_EQ(listing.snapshots.size(), 1u);
  EXPECT_EQ(listing.snapshots[0].name, "hand-made.qcow2");
  EXPECT_FALSE(listing.snapshots[0].in_use);
  EXPECT_EQ(listing.volumes.at(0).format, "qcow2");
}

TEST_F(ShareListingTest, BrokenChainsAreListedWithTheirReason) {
  dir_.write(kVol, "");
  dir_.write("loop-a", qcow2_bytes(Qcow2Fields().backing("loop-b")));
  dir_.write("loop-b", qcow2_bytes(Qcow2Fields().backing("loop-a")));
  dir_.write("self", qcow2_bytes(Qcow2Fields().backing("self")));
  dir_.write("missing", qcow2_bytes(Qcow2Fields().backing("no-such-file")));
  dir_.write("up", qcow2_bytes(Qcow2Fields().backing("../" + kVol)));
  dir_.write("absolute-outside", qcow2_bytes(Qcow2Fields().backing("/etc/passwd")));
  dir_.write("absolute-inside", qcow2_bytes(Qcow2Fields().backing(dir_.path() + "/" + kVol)));
  dir_.write("dot-inside", qcow2_bytes(Qcow2Fields().backing("./" + kVol)));
  dir_.write("base.img", "");
  dir_.write("on-base", qcow2_bytes(Qcow2Fields().backing("base.img")));
  dir_.write("on-info", qcow2_bytes(Qcow2Fields().backing(kVol + ".info")));
  EXPECT_NE(reason_of("loop-a").find("loops: loop-a -> loop-b -> loop-a"), std::string::npos) << reason_of("loop-a");
  EXPECT_NE(reason_of("loop-b").find("loops"), std::string::npos);
  EXPECT_NE(reason_of("self").find("loops: self -> self"), std::string::npos) << reason_of("self");
  EXPECT_NE(reason_of("missing").find("'no-such-file' does not exist"), std::string::npos);
  EXPECT_NE(reason_of("up").find("outside the share"), std::string::npos) << reason_of("up");
  EXPECT_NE(reason_of("absolute-outside").find("outside the share"), std::string::npos);
  EXPECT_EQ(reason_of("absolute-inside"), "");
  EXPECT_EQ(reason_of("dot-inside"), "");
  EXPECT_NE(reason_of("on-base").find("ends at 'base.img', which is not a volume file"), std::string::npos);
  EXPECT_NE(reason_of("on-info").find("does not exist"), std::string::npos);  // info files are not images
  auto listing = list();
  EXPECT_EQ(listing.snapshots.size(), 10u);
  EXPECT_EQ(listing.volumes.size(), 1u);
}

TEST_F(ShareListingTest, CorruptFilesAreListedNotFatal) {
  dir_.write(kVol, "");
  dir_.write(kS1, qcow2_bytes(Qcow2Fields().backing(kVol)).substr(0, 50));  // truncated overlay
  dir_.write(kS2, std::string(1000, 'x'));                                  // raw, named like an overlay
  dir_.write("stray.qcow2", qcow2_bytes(Qcow2Fields().version(9)));         // qcow2 magic, impossible header
  dir_.write("volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31", "QFI\xfb");     // a volume with a cut header
  dir_.write("notes.txt", "hello");
  auto listing = list();
  ASSERT_EQ(listing.snapshots.size(), 3u);
  EXPECT_NE(reason_of(kS1).find("truncated"), std::string::npos);
  EXPECT_EQ(find(listing.snapshots, kS1)->analysis.base.value_or(""), kVol);  // from its name
  EXPECT_EQ(find(listing.snapshots, kS1)->analysis.size, 0u);
  EXPECT_NE(reason_of(kS2).find("not a qcow2 image"), std::string::npos);
  EXPECT_NE(reason_of("stray.qcow2").find("version 9"), std::string::npos);
  EXPECT_FALSE(find(listing.snapshots, "stray.qcow2")->analysis.base);
  EXPECT_NE(reason_of("volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31").find("truncated"), std::string::npos);
  EXPECT_FALSE(find(listing.snapshots, "notes.txt"));
  EXPECT_FALSE(find(listing.volumes, "notes.txt"));
}

TEST_F(ShareListingTest, SymlinksHiddenAndOddNamesAreNotImages) {
  dir_.write(kVol, "");
  std::filesystem::create_symlink("/etc/passwd", dir_.path() + "/volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31");
  std::filesystem::create_directory(dir_.path() + "/volume-00000000-0000-4000-8000-000000000000");
  dir_.write(".hidden-overlay", qcow2_bytes(Qcow2Fields().backing(kVol)));
  dir_.write("tab\toverlay", qcow2_bytes(Qcow2Fields().backing(kVol)));
  dir_.write("via-link", qcow2_bytes(Qcow2Fields().backing("volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31")));
  auto listing = list();
  ASSERT_EQ(listing.volumes.size(), 1u);
  ASSERT_EQ(listing.snapshots.size(), 1u);
  EXPECT_EQ(listing.snapshots[0].name, "via-link");
  EXPECT_NE(listing.snapshots[0].reason.value_or("").find("does not exist"), std::string::npos);
  Call call;
  auto read = dir_.share().read(call, "volume-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c31", 0, 10);
  ASSERT_FALSE(read.ok());  // O_NOFOLLOW: the link is never followed out of the share
}

TEST_F(ShareListingTest, InfoFileProblemsAndAdoptionsBecomeReasons) {
  dir_.write(kVol, "");
  dir_.write(kS1, qcow2_bytes(Qcow2Fields().backing(kVol)));
  dir_.write("hand-made", qcow2_bytes(Qcow2Fields().backing(kVol)));
  // Cinder's record of kS1 (its name carries the id) is not an adoption; hand-made's is.
  dir_.write(kVol + ".info", "{\"active\": \"" + kVol + "\", \"0b7a2c4e-1f3d-4a5b-9c6d-7e8f9a0b1c21\": \"" + kS1 +
                                 "\", \"catalog-id-1\": \"hand-made\", \"catalog-id-2\": \"" + kVol + "\"}");
  EXPECT_EQ(reason_of(kS1), "");
  EXPECT_EQ(reason_of("hand-made"), "already adopted as catalog-id-1 (recorded in " + kVol + ".info)");
  EXPECT_EQ(reason_of(kVol), "already adopted as catalog-id-2 (recorded in " + kVol + ".info)");
  dir_.write(kVol + ".info", "{not json");
  EXPECT_NE(reason_of(kS1).find(kVol + ".info is not valid JSON"), std::string::npos) << reason_of(kS1);
  dir_.write(kVol + ".info", std::string(kMaxInfoFileBytes + 10, ' '));
  EXPECT_NE(reason_of(kS1).find("larger than"), std::string::npos);
}

TEST_F(ShareListingTest, DescribeFileMatchesTheListing) {
  dir_.write(kVol, std::string(512, '\0'));
  dir_.write(kS1, qcow2_bytes(Qcow2Fields().size(777).backing(kVol)));
  dir_.write(kVol + ".info", "{\"active\": \"" + kS1 + "\"}");
  Call call;
  auto one = describe_file(dir_.share(), call, naming_, kS1);
  ASSERT_TRUE(one.ok() && *one);
  EXPECT_EQ((*one)->analysis.role, FileRole::Snapshot);
  EXPECT_EQ((*one)->analysis.size, 777u);
  EXPECT_EQ((*one)->analysis.base.value_or(""), kVol);
  EXPECT_TRUE((*one)->in_use);
  auto none = describe_file(dir_.share(), call, naming_, "absent");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  auto info = describe_file(dir_.share(), call, naming_, kVol + ".info");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(*info);  // info files are not images
}

TEST_F(ShareListingTest, AnExpiredCallReadsNothing) {
  dir_.write(kVol, "");
  Call call;
  call.deadline = Call::Clock::now() - std::chrono::seconds(1);
  auto listing = list_share(dir_.share(), call, naming_);
  ASSERT_FALSE(listing.ok());
  EXPECT_EQ(listing.error().code(), ErrorCode::Timeout);
}

TEST_F(ShareListingTest, MissingDirectoryNamesTheShare) {
  LocalShare gone("/tmp/snapmgr-nfs-unit-does-not-exist", "/tmp/snapmgr-nfs-unit-does-not-exist");
  Call call;
  auto listing = list_share(gone, call, naming_);
  ASSERT_FALSE(listing.ok());
  EXPECT_EQ(listing.error().code(), ErrorCode::BackendError);
  EXPECT_NE(listing.error().message().find("share '/tmp/snapmgr-nfs-unit-does-not-exist'"), std::string::npos);
  EXPECT_NE(listing.error().message().find("No such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace snapmgr::nfs
