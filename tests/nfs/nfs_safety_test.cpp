// Hostile references never reach the share: each is InvalidReference, and afterwards every
// file of the share (and a file just outside it) is exactly as before — listed and hashed.
#include <filesystem>

#include "nfs_fixture.hpp"

namespace snapmgr::nfs_test {
namespace {

using testing::test_call;

class SafetyTest : public NfsShareTest {
 protected:
  void SetUp() override {
    NfsShareTest::SetUp();
    write_file(NfsFixture::get().workspace() + "/outside-secret", "not for the driver");
  }
  std::map<std::string, std::string> everything() const {
    // The share, and the file next to it that "../outside-secret" would reach (the rest of the
    // workspace holds Ganesha's log, which changes on its own).
    auto facts = fingerprint(NfsFixture::get().export_dir());
    facts["../outside-secret"] = read_file(NfsFixture::get().workspace() + "/outside-secret");
    return facts;
  }
};

std::vector<StringMap> hostile_references() {
  std::vector<StringMap> refs;
  for (const std::string& name :
       {std::string("../etc/passwd"), std::string("a/b"), std::string("/etc/passwd"), std::string("..\\..\\x"),
        std::string("x\0y", 3), std::string(10000, 'a'), std::string(256, 'b'), std::string(""), std::string(".."),
        std::string("../outside-secret"), std::string(".hidden"), std::string("volume-\n"), std::string("\xff\xfe"),
        std::string("volume-00000000-0000-4000-8000-000000000000")}) {  // well-formed, but not in the share
    refs.push_back(StringMap{{"source-name", name}});
  }
  refs.push_back(StringMap{{"source-id", kSnapA1}});
  refs.push_back(StringMap{{"source-name", kSnapA1}, {"path", "/"}});
  refs.push_back(StringMap{{"source-name", kSnapA1}, {"share", "127.0.0.1:/etc"}});
  refs.push_back(StringMap{});
  return refs;
}

TEST_P(SafetyTest, HostileReferencesAreInvalidAndTheShareIsUnchanged) {
  const auto before = everything();
  auto* snapshots = driver().snapshot_adoption();
  auto* volumes = driver().volume_adoption();
  for (const auto& bad : hostile_references()) {
    const std::string shown = bad.find("source-name") ? bad.find("source-name")->substr(0, 40) : "(no source-name)";
    const auto expect_invalid = [&](const Error& e, const char* call) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidReference) << call << " " << shown << ": " << e.message();
      EXPECT_LT(e.message().size(), 1000u) << "the message repeats the whole reference";
    };
    auto inspected = snapshots->inspect_snapshot(test_call(), bad, ref(kVolumeA));
    ASSERT_FALSE(inspected.ok()) << shown;
    expect_invalid(inspected.error(), "inspect_snapshot");
    auto adopted = snapshots->adopt_snapshot(test_call(), bad, ref(kVolumeA), "aaaaaaaa-1111-4222-8333-000000000001");
    ASSERT_FALSE(adopted.ok()) << shown;
    expect_invalid(adopted.error(), "adopt_snapshot");
    // The same strings as the volume reference of a real snapshot.
    auto as_volume = snapshots->adopt_snapshot(test_call(), ref(kSnapA1), bad, "aaaaaaaa-1111-4222-8333-000000000001");
    ASSERT_FALSE(as_volume.ok()) << shown;
    expect_invalid(as_volume.error(), "adopt_snapshot(volume_reference)");
    auto released =
        driver().snapshot_release()->release_snapshot(test_call(), bad, "aaaaaaaa-1111-4222-8333-000000000001");
    ASSERT_FALSE(released.ok()) << shown;
    expect_invalid(released.error(), "release_snapshot");
    auto volume = volumes->adopt_volume(test_call(), bad, "aaaaaaaa-1111-4222-8333-000000000001");
    ASSERT_FALSE(volume.ok()) << shown;
    expect_invalid(volume.error(), "adopt_volume");
  }
  EXPECT_EQ(everything(), before);
}

TEST_P(SafetyTest, TraversalIsRefusedBeforeAnyFileIsTouched) {
  auto adopted = driver().snapshot_adoption()->inspect_snapshot(test_call(), ref("../etc/passwd"), ref(kVolumeA));
  ASSERT_FALSE(adopted.ok());
  EXPECT_NE(adopted.error().message().find("contains '/'"), std::string::npos) << adopted.error().message();
  auto secret = driver().snapshot_adoption()->inspect_snapshot(test_call(), ref("../outside-secret"), ref(kVolumeA));
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.error().message().find("cannot name a file of a share"), std::string::npos)
      << secret.error().message();
}

TEST_P(SafetyTest, SymbolicLinksAreNotFollowedOutOfTheShare) {
  const std::string dir = NfsFixture::get().export_dir();
  const std::string link = "volume-11111111-2222-4333-8444-555555555555";
  std::filesystem::create_symlink(NfsFixture::get().workspace() + "/outside-secret", dir + "/" + link);
  std::filesystem::create_symlink("/etc/passwd", dir + "/passwd.qcow2");
  const auto before = everything();
  auto volumes = list_volumes(*driver().volume_discovery(), test_call());
  ASSERT_TRUE(volumes.ok()) << volumes.error().message();
  EXPECT_EQ(volumes->size(), 2u);  // the link is not a volume
  auto inspected =
      driver().volume_adoption()->adopt_volume(test_call(), ref(link), "aaaaaaaa-1111-4222-8333-000000000001");
  ASSERT_FALSE(inspected.ok());
  EXPECT_EQ(inspected.error().code(), ErrorCode::InvalidReference) << inspected.error().message();
  auto passwd = driver().snapshot_adoption()->inspect_snapshot(test_call(), ref("passwd.qcow2"), ref(kVolumeA));
  ASSERT_FALSE(passwd.ok());
  EXPECT_EQ(passwd.error().code(), ErrorCode::InvalidReference);
  EXPECT_EQ(everything(), before);
  EXPECT_FALSE(std::filesystem::exists(dir + "/" + link + ".info"));
}

INSTANTIATE_TEST_SUITE_P(Shares, SafetyTest, ::testing::Values(ShareKind::Ganesha, ShareKind::Local), ShareKindName());

}  // namespace
}  // namespace snapmgr::nfs_test
