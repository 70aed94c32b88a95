// Failures of the backend itself: unreachable server, missing export, permission denied,
// timeouts (a silent server, a paused Ganesha, the call's deadline), and several shares.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "nfs_fixture.hpp"

namespace snapmgr::nfs_test {
namespace {

using namespace std::chrono_literals;
using testing::test_call;

// A loopback TCP socket: listening (a server that never answers) or closed (nothing there).
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listen) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (listen) {
      ::listen(fd_, 16);
    } else {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LoopbackPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::string nfs_share(const std::string& export_path, int port, const std::string& extra = "") {
  return "{shares: [\"127.0.0.1:" + export_path + "\"], nfs_port: " + std::to_string(port) + extra + "}";
}

Error list_error(const std::string& options, std::chrono::milliseconds deadline = 30s) {
  auto driver = load_driver(options);
  if (!driver) return Error::backend("driver not loaded");
  auto listed = list_snapshots(*(*driver)->snapshot_discovery(), test_call(deadline));
  EXPECT_FALSE(listed.ok());
  return listed.ok() ? Error::backend("listing succeeded") : listed.error();
}

TEST(NfsErrors, UnreachableServerNamesTheShare) {
  LoopbackPort closed(false);
  const Error e = list_error(nfs_share("/export", closed.port()));
  EXPECT_EQ(e.code(), ErrorCode::BackendError) << e.message();
  EXPECT_NE(e.message().find("share '127.0.0.1:/export'"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("port " + std::to_string(closed.port())), std::string::npos) << e.message();
}

TEST(NfsErrors, MissingExportNamesTheShare) {
  const Error e = list_error(nfs_share("/no-such-export", NfsFixture::get().port()));
  EXPECT_EQ(e.code(), ErrorCode::BackendError) << e.message();
  EXPECT_NE(e.message().find("share '127.0.0.1:/no-such-export'"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("the export does not exist"), std::string::npos) << e.message();
}

TEST(NfsErrors, MissingLocalDirectoryNamesTheShare) {
  const std::string gone = NfsFixture::get().scratch_dir() + "/no-such-directory";
  const Error e = list_error("{shares: [\"" + gone + "\"]}");
  EXPECT_EQ(e.code(), ErrorCode::BackendError) << e.message();
  EXPECT_NE(e.message().find("share '" + gone + "'"), std::string::npos) << e.message();
}

TEST(NfsErrors, PermissionDeniedOnTheDirectory) {
  const Error e = list_error(nfs_share("/denied", NfsFixture::get().port()));  // root squashed, mode 0700
  EXPECT_EQ(e.code(), ErrorCode::BackendError) << e.message();
  EXPECT_NE(e.message().find("share '127.0.0.1:/denied'"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("permission denied"), std::string::npos) << e.message();
}

TEST(NfsErrors, PermissionDeniedWhenRecordingAnAdoption) {
  NfsFixture::get().reset();
  auto driver = load_driver(nfs_share("/readonly", NfsFixture::get().port()));
  ASSERT_TRUE(driver);
  auto listed = list_snapshots(*(*driver)->snapshot_discovery(), test_call());
  ASSERT_TRUE(listed.ok()) << listed.error().message();  // reading is allowed
  ASSERT_EQ(listed->size(), 1u);
  const auto before = fingerprint(NfsFixture::get().workspace() + "/readonly");
  auto adopted = (*driver)->snapshot_adoption()->adopt_snapshot(test_call(), testing::source_name(kSnapC1),
                                                                testing::source_name(kVolumeC),
                                                                "aaaaaaaa-1111-4222-8333-000000000001");
  ASSERT_FALSE(adopted.ok());
  EXPECT_EQ(adopted.error().code(), ErrorCode::BackendError) << adopted.error().message();
  EXPECT_NE(adopted.error().message().find("share '127.0.0.1:/readonly'"), std::string::npos)
      << adopted.error().message();
  EXPECT_NE(adopted.error().message().find("permission denied"), std::string::npos) << adopted.error().message();
  EXPECT_EQ(fingerprint(NfsFixture::get().workspace() + "/readonly"), before);
}

TEST(NfsErrors, SilentServerTimesOut) {
  LoopbackPort silent(true);  // accepts connections (the kernel's backlog) and never answers
  const auto started = std::chrono::steady_clock::now();
  const Error e = list_error(nfs_share("/export", silent.port(), ", command_timeout_s: 1"));
  EXPECT_EQ(e.code(), ErrorCode::Timeout) << e.message();
  EXPECT_NE(e.message().find("share '127.0.0.1:/export'"), std::string::npos) << e.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);  // bounded, nowhere near a hang
}

TEST(NfsErrors, TheCallsDeadlineBoundsTheWait) {
  LoopbackPort silent(true);
  const auto started = std::chrono::steady_clock::now();
  const Error e = list_error(nfs_share("/export", silent.port(), ", command_timeout_s: 600"), 1500ms);
  EXPECT_EQ(e.code(), ErrorCode::Timeout) << e.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s);  // the deadline, not the 600 s option
}

TEST(NfsErrors, APausedServerTimesOutAndTheNextCallReconnects) {
  NfsFixture::get().reset();
  auto driver = load_driver(merge_options(NfsFixture::get().ganesha_options(), "{command_timeout_s: 1}"));
  ASSERT_TRUE(driver);
  auto* discovery = (*driver)->snapshot_discovery();
  ASSERT_TRUE(list_snapshots(*discovery, test_call()).ok());  // connected
  const pid_t ganesha = NfsFixture::get().ganesha_pid();
  ASSERT_EQ(::kill(ganesha, SIGSTOP), 0);
  // SIGSTOP takes effect asynchronously: wait until every thread of Ganesha is stopped.
  const auto all_stopped = [&] {
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(ganesha) + "/task")) {
      const std::string stat = read_file(task.path().string() + "/stat");
      const auto state = stat.find(") ");
      if (state == std::string::npos || stat[state + 2] != 'T') return false;
    }
    return true;
  };
  for (int i = 0; i < 100 && !all_stopped(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(all_stopped());
  auto paused = list_snapshots(*discovery, test_call());
  ::kill(ganesha, SIGCONT);
  ASSERT_FALSE(paused.ok());
  EXPECT_EQ(paused.error().code(), ErrorCode::Timeout) << paused.error().message();
  EXPECT_NE(paused.error().message().find("share '127.0.0.1:/export'"), std::string::npos) << paused.error().message();
  auto again = list_snapshots(*discovery, test_call());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->size(), 3u);
}

// The same directory twice — over NFS and as a local directory — so every name exists on
// both shares: references must carry the share.
TEST(NfsErrors, SeveralSharesKeepReferencesUnique) {
  NfsFixture::get().reset();
  const std::string local = NfsFixture::get().export_dir();
  auto driver = load_driver(
      merge_options(NfsFixture::get().ganesha_options(), "{shares: [\"127.0.0.1:/export\", \"" + local + "\"]}"));
  ASSERT_TRUE(driver);
  auto listed = list_snapshots(*(*driver)->snapshot_discovery(), test_call());
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->size(), 6u);
  std::set<std::string> references;
  for (const auto& s : *listed) {
    ASSERT_TRUE(s.reference.find("share")) << "no share in a reference";
    EXPECT_EQ(*s.reference.find("share"), *s.source_reference.find("share"));
    references.insert(*s.reference.find("share") + "|" + *s.reference.find("source-name"));
  }
  EXPECT_EQ(references.size(), 6u);
  auto* adoption = (*driver)->snapshot_adoption();
  auto ambiguous =
      adoption->inspect_snapshot(test_call(), testing::source_name(kNightlyB), testing::source_name(kVolumeB));
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().code(), ErrorCode::InvalidReference);
  EXPECT_NE(ambiguous.error().message().find("exists on several shares"), std::string::npos)
      << ambiguous.error().message();
  const StringMap on_local{{"source-name", kNightlyB}, {"share", local}};
  const StringMap volume_on_local{{"source-name", kVolumeB}, {"share", local}};
  auto adopted =
      adoption->adopt_snapshot(test_call(), on_local, volume_on_local, "aaaaaaaa-1111-4222-8333-000000000001");
  ASSERT_TRUE(adopted.ok()) << adopted.error().message();
  EXPECT_EQ(*adopted, on_local);
  const StringMap volume_on_nfs{{"source-name", kVolumeB}, {"share", "127.0.0.1:/export"}};
  auto elsewhere =
      adoption->adopt_snapshot(test_call(), on_local, volume_on_nfs, "aaaaaaaa-1111-4222-8333-000000000002");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code(), ErrorCode::InvalidReference) << elsewhere.error().message();
  EXPECT_TRUE(std::filesystem::exists(local + "/" + kVolumeB + ".info"));
}

TEST(NfsErrors, OptionsAreValidatedBeforeAnythingStarts) {
  const std::string plugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_nfs.so";
  auto missing = testing::load_test_driver(plugin, "{}");
  EXPECT_FALSE(missing.driver);
  EXPECT_NE(missing.error.find("shares"), std::string::npos) << missing.error;
  auto bad = testing::load_test_driver(plugin, "{shares: [\"127.0.0.1:/export\"], nfs_version: 2}");
  EXPECT_FALSE(bad.driver);
  EXPECT_NE(bad.error.find("nfs_version"), std::string::npos) << bad.error;
}

}  // namespace
}  // namespace snapmgr::nfs_test
