// A process killed with SIGKILL in the middle of an adoption (or an unmanage) leaves its row
// `creating` (`unmanaging`); the next start-up resolves it — nothing is left half-done.
#include <csignal>
#include <fstream>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include "tests/adoption/service_fixture.hpp"

namespace snapmgr::core::testing {
namespace {

namespace bp = boost::process::v2;
namespace asio = boost::asio;

// The fake persists its inventory (renames included) in a state file, as a real backend would
// keep them across a host crash.
std::string backend_config(const std::filesystem::path& dir, const std::string& faults) {
  return std::string(R"(  - name: fake1
    driver: fake
    options:
      state_file: )") +
         (dir / "fake-state.json").string() + R"(
      volumes: [{name: volume-a, size_bytes: 2147483648}]
      snapshots: [{name: lvol0, size_bytes: 3221225472, origin: volume-a}]
      faults: )" +
         faults + "\n";
}

void write_config(const std::filesystem::path& dir, const std::string& faults) {
  std::ofstream(dir / "snapmgr.yaml") << "host: node1\nstate_dir: " << (dir / "var").string() << "\nplugin_path: ["
                                      << SNAPMGR_PLUGIN_DIR << "]\nbackends:\n"
                                      << backend_config(dir, faults);
}

// Runs the child until it printed the snapshot id, then kills it with SIGKILL.
std::string run_and_kill(const std::filesystem::path& dir, const std::string& mode) {
  asio::io_context io;
  asio::readable_pipe out(io);
  bp::process child(io, CRASH_CHILD, {dir.string(), mode}, bp::process_stdio{nullptr, out, {}});
  asio::streambuf buffer;
  boost::system::error_code ec;
  asio::read_until(out, buffer, '\n', ec);
  std::string id;
  std::istream(&buffer) >> id;
  ::kill(child.id(), SIGKILL);
  child.wait(ec);
  EXPECT_TRUE(WIFSIGNALED(child.native_exit_code()) && WTERMSIG(child.native_exit_code()) == SIGKILL);
  return id;
}

TEST(CrashRecovery, AdoptionInterruptedBySigkillIsCompletedAtStartUp) {
  TempDir dir;
  write_config(dir.path(), "{adopt_snapshot: {delay_ms: 60000}}");
  const std::string id = run_and_kill(dir.path(), "adopt");
  ASSERT_EQ(id.size(), 36u) << "child output: " << id;
  write_config(dir.path(), "{}");  // restart without the slow backend
  ServiceHost host(dir.path(), backend_config(dir.path(), "{}"));
  ASSERT_TRUE(host.ok()) << host.error();
  auto rows = host.service().list_snapshots({});
  ASSERT_TRUE(rows.ok());
  for (const auto& s : *rows) EXPECT_NE(s.status, "creating") << s.id;
  auto row = host.service().get_snapshot(id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->status, "available");
  EXPECT_EQ(row->size_gib, 3);
  EXPECT_EQ(*row->provider_reference.find("source-name"), "_snapshot-" + id);
}

TEST(CrashRecovery, AdoptionThatCannotCompleteEndsInError) {
  TempDir dir;
  write_config(dir.path(), "{adopt_snapshot: {delay_ms: 60000}}");
  const std::string id = run_and_kill(dir.path(), "adopt");
  ASSERT_EQ(id.size(), 36u);
  // After the restart the backend refuses the adoption: the row must not stay `creating`.
  ServiceHost host(dir.path(), backend_config(dir.path(), "{adopt_snapshot: {error: array offline}}"));
  ASSERT_TRUE(host.ok()) << host.error();
  EXPECT_EQ(host.service().get_snapshot(id)->status, "error");
}

TEST(CrashRecovery, UnmanageInterruptedBySigkillIsCompletedAtStartUp) {
  TempDir dir;
  write_config(dir.path(), "{release_snapshot: {delay_ms: 60000}}");
  const std::string id = run_and_kill(dir.path(), "unmanage");
  ASSERT_EQ(id.size(), 36u);
  ServiceHost host(dir.path(), backend_config(dir.path(), "{}"));
  ASSERT_TRUE(host.ok()) << host.error();
  auto row = host.service().get_snapshot(id);
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().fault, Fault::NotFound);
}

}  // namespace
}  // namespace snapmgr::core::testing
