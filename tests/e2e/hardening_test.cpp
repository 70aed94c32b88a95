// The hardening issue's defects, against a real snapmgrd: each request here once killed the
// daemon, took every request worker, or was answered wrongly. After each, the daemon must be
// up and answer a normal request.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "api_client.hpp"
#include "snapmgrd_process.hpp"

namespace snapmgr::e2e {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

const std::string kConfig = R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
plugin_path: [{fake_plugins}]
log: {level: info}
call_timeout_s: 5
backends:
  - name: healthy
    driver: fake
    options:
      volumes: [{name: volume-bbbbbbbb-0000-4000-8000-000000000001, size_bytes: 1073741824}]
      snapshots: [{name: lvol0, size_bytes: 1073741824, origin: volume-bbbbbbbb-0000-4000-8000-000000000001}]
  - name: hung
    driver: fake
    # The bulkhead around a driver that hangs inside snapmgrd. In a worker process a hang ends
    # in SIGKILL at the deadline and the backend is down until the worker is back (requests then
    # fail at once): broken_drivers_e2e and driver_isolation_e2e test that.
    isolation: in_process
    max_concurrent_calls: 8
    options:
      snapshots: [{name: lvol9, size_bytes: 1073741824, origin: volume-x}]
      faults: {list_snapshots: {hang: true}}
)";

int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

class Hardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The daemon runs with 512 descriptors, as in the report that found the connection defect;
    // this process keeps its own (larger) limit for the clients.
    rlimit saved{};
    getrlimit(RLIMIT_NOFILE, &saved);
    rlimit limited = saved;
    limited.rlim_cur = 512;
    setrlimit(RLIMIT_NOFILE, &limited);
    daemon_ = SnapmgrdProcess::start("hardening", kConfig).release();
    setrlimit(RLIMIT_NOFILE, &saved);
  }
  static void TearDownTestSuite() {
    if (daemon_) {
      EXPECT_EQ(daemon_->stop(), 0) << "the daemon exits cleanly after all of it";
    }
    delete daemon_;
    daemon_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(daemon_, nullptr); }
  static ApiClient client() { return ApiClient(daemon_->port()); }
  static void expect_up() {
    EXPECT_EQ(kill(daemon_->pid(), 0), 0) << "the daemon is running";
    EXPECT_EQ(client().get("/v3/p1/volumes").status, 200);
  }
  static SnapmgrdProcess* daemon_;
};
SnapmgrdProcess* Hardening::daemon_ = nullptr;

TEST_F(Hardening, AHugeChunkedTrailerIsRefusedAndTheDaemonStaysUp) {
  // The report's reproducer: a trailer field of 65,534 bytes made Beast throw on an I/O thread.
  const std::string answer = client().raw("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " +
                                          std::string(65534, 't') + "\r\n\r\n");
  EXPECT_EQ(status_of(answer), 431) << answer.substr(0, 300);
  expect_up();
}

TEST_F(Hardening, AHungBackendCannotTakeTheRequestWorkersOfAHealthyOne) {
  // 70 concurrent listings of the hung backend: 8 wait on it (its bulkhead), the rest are
  // refused at once; the healthy backend answers meanwhile without waiting.
  std::atomic<int> refused{0}, timed_out{0}, other{0};
  std::mutex mutex;
  std::string refusal;
  std::vector<std::thread> clients;
  for (int i = 0; i < 70; ++i) {
    clients.emplace_back([&] {
      auto r = client().get("/v3/p1/manageable_snapshots?host=node1@hung", {{"OpenStack-API-Version", "volume 3.8"}});
      if (r.status == 503) {
        ++refused;
        std::lock_guard lock(mutex);
        refusal = r.fault_message("serviceUnavailable");
      } else if (r.status == 504) {
        ++timed_out;
      } else {
        ++other;
      }
    });
  }
  std::this_thread::sleep_for(1s);
  const auto start = std::chrono::steady_clock::now();
  auto healthy =
      client().get("/v3/p1/manageable_snapshots?host=node1@healthy", {{"OpenStack-API-Version", "volume 3.8"}});
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(healthy.status, 200);
  EXPECT_LT(waited, 2s) << "the healthy backend did not wait for the hung one's deadline";
  for (auto& t : clients) t.join();
  EXPECT_EQ(timed_out.load(), 8);
  EXPECT_EQ(refused.load(), 62);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(refusal,
            "Backend node1@hung is busy: 8 requests are already waiting on its driver (max_concurrent_calls); try "
            "again later.");
  expect_up();
}

TEST_F(Hardening, SixHundredSlowConnectionsOnFiveHundredDescriptorsLeaveRoomForANormalClient) {
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> slow;
  for (int i = 0; i < 600; ++i) {
    auto socket = std::make_unique<tcp::socket>(io);
    boost::system::error_code ec;
    socket->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), daemon_->port()), ec);
    ASSERT_FALSE(ec) << "connection " << i << ": " << ec.message();
    const std::string partial = "GET /v3/p1/volumes HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    asio::write(*socket, asio::buffer(partial), ec);
    slow.push_back(std::move(socket));
  }
  std::this_thread::sleep_for(500ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client().get("/v3/p1/volumes").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "a normal client is served at once";
  std::this_thread::sleep_for(1s);
  const std::string log = daemon_->log();
  std::size_t accept_failures = 0;
  for (auto at = log.find("accept failed"); at != std::string::npos; at = log.find("accept failed", at + 1))
    ++accept_failures;
  EXPECT_LE(accept_failures, 2u) << "out of descriptors is never reached, and would be logged at most every 10 s";
  std::size_t shed_lines = 0;
  for (auto at = log.find("connection limit"); at != std::string::npos; at = log.find("connection limit", at + 1))
    ++shed_lines;
  EXPECT_GE(shed_lines, 1u) << "shedding is logged";
  EXPECT_LE(shed_lines, 2u) << "and rate-limited";
  slow.clear();
  expect_up();
}

TEST_F(Hardening, AHugeNameIsNotEchoedBackWhole) {
  const std::string huge(900 * 1024, 'n');
  auto r = client().post("/v3/p1/manageable_snapshots",
                         R"({"snapshot": {"volume_id": "bbbbbbbb-0000-4000-8000-000000000001", )"
                         R"("ref": {"source-name": "lvol0"}, "name": ")" +
                             huge + "\"}}",
                         {{"OpenStack-API-Version", "volume 3.8"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_LT(r.body.size(), 8192u) << "was a 1.8 MB body";
  EXPECT_NE(r.fault_message("badRequest").find("...(921600 bytes)"), std::string::npos);
  expect_up();
}

TEST_F(Hardening, AStringMarkerIsPrintedDecoded) {
  auto r = client().get("/v3/p1/manageable_snapshots?host=node1@healthy&marker=%22mysnap%22",
                        {{"OpenStack-API-Version", "volume 3.8"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.fault_message("badRequest"), "Invalid input received: marker not found: mysnap");
}

}  // namespace
}  // namespace snapmgr::e2e
