// Robustness: 1,000 malformed requests against a real snapmgrd — random bytes, truncated JSON,
// huge headers, slowloris-style partial requests held open — from 4 client threads; the
// daemon must answer every one that can be answered with the right 4xx, stay up, answer
// correctly afterwards (and while the partial requests are still open), and exit cleanly.
#include <signal.h>

#include <atomic>
#include <memory>
#include <random>
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

const std::string kConfig = R"(
host: node1
listen: 127.0.0.1:0
state_dir: {state_dir}
plugin_path: [{fake_plugins}]
log: {level: warning}
backends:
  - name: fake1
    driver: fake
    options:
      volumes:
        - {name: volume-bbbbbbbb-0000-4000-8000-000000000001, size_bytes: 1073741824}
      snapshots:
        - {name: lvol0, size_bytes: 1073741824, origin: volume-bbbbbbbb-0000-4000-8000-000000000001}
)";

enum class Kind { RandomBytes, TruncatedJson, HugeHeader, Slowloris };

struct Counts {
  std::atomic<int> answered_400{0};
  std::atomic<int> answered_431{0};
  std::atomic<int> closed_silently{0};
  std::atomic<int> unexpected{0};
};

// The status code at the start of a raw answer, or 0.
int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  s[0] = static_cast<char>('\x80' | (s[0] & 0x7F));  // never accidentally a method name
  return s + "\r\n\r\n";
}

std::string truncated_json_request(std::mt19937& rng) {
  const std::string full = R"({"snapshot": {"volume_id": "bbbbbbbb-0000-4000-8000-000000000001", )"
                           R"("ref": {"source-name": "lvol0"}, "name": "n"}})";
  std::string body = full.substr(0, 1 + rng() % (full.size() - 2));
  return "POST /v3/p1/os-snapshot-manage HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\n"
         "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string huge_header_request(std::mt19937& rng) {
  return "GET /v3/p1/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\nX-Junk: " +
         std::string(20000 + rng() % 20000, 'j') + "\r\nConnection: close\r\n\r\n";
}

void one_request(std::uint16_t port, Kind kind, std::mt19937& rng, Counts& counts,
                 std::vector<std::unique_ptr<tcp::socket>>& held, asio::io_context& io) {
  ApiClient client(port);
  switch (kind) {
    case Kind::RandomBytes: {
      std::string answer = client.raw(random_bytes(rng, 16 + rng() % 2000));
      int s = status_of(answer);
      if (s == 400)
        ++counts.answered_400;
      else if (answer.empty())
        ++counts.closed_silently;
      else
        ++counts.unexpected;
      break;
    }
    case Kind::TruncatedJson: {
      std::string answer = client.raw(truncated_json_request(rng));
      if (status_of(answer) == 400 && answer.find("Malformed request body") != std::string::npos)
        ++counts.answered_400;
      else
        ++counts.unexpected;
      break;
    }
    case Kind::HugeHeader: {
      std::string answer = client.raw(huge_header_request(rng));
      if (status_of(answer) == 431)
        ++counts.answered_431;
      else
        ++counts.unexpected;
      break;
    }
    case Kind::Slowloris: {
      auto socket = std::make_unique<tcp::socket>(io);
      boost::system::error_code ec;
      socket->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
      if (ec) {
        ++counts.unexpected;
        break;
      }
      std::string partial = "GET /v3/p1/volumes HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      partial.resize(partial.size() + rng() % 20, 's');
      asio::write(*socket, asio::buffer(partial), ec);
      held.push_back(std::move(socket));  // kept open, never finished
      break;
    }
  }
}

TEST(MalformedBurst, ServerSurvivesAndStillAnswersCorrectly) {
  auto daemon = SnapmgrdProcess::start("burst", kConfig);
  ASSERT_NE(daemon, nullptr);
  const auto port = daemon->port();
  ApiClient client(port);
  auto healthy = [&] {
    auto r = client.get("/v3/p1/os-snapshot-manage/detail?host=node1@fake1");
    if (r.status != 200) return false;
    const auto& list = r.json().at("manageable-snapshots").as_array();
    return list.size() == 1 && list[0].at("reference").at("source-name").as_string() == "lvol0";
  };
  ASSERT_TRUE(healthy());

  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;  // 1,000 malformed requests in all
  Counts counts;
  asio::io_context io;
  std::vector<std::vector<std::unique_ptr<tcp::socket>>> held(kThreads);
  std::atomic<int> health_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      for (int i = 0; i < kPerThread; ++i) {
        one_request(port, static_cast<Kind>((i + t) % 4), rng, counts, held[t], io);
        if (i % 50 == 49 && !healthy()) ++health_failures;  // answered correctly in the middle of it
      }
    });
  }
  for (auto& th : threads) th.join();

  std::size_t open_partials = 0;
  for (const auto& h : held) open_partials += h.size();
  EXPECT_EQ(open_partials, 250u);
  EXPECT_EQ(health_failures.load(), 0);
  EXPECT_EQ(counts.unexpected.load(), 0);
  EXPECT_EQ(counts.answered_431.load(), 250);
  EXPECT_GE(counts.answered_400.load(), 250);  // every truncated JSON, and most random bytes
  EXPECT_EQ(counts.answered_400.load() + counts.answered_431.load() + counts.closed_silently.load(), 750);
  // With 250 partial requests still open, a real request is answered correctly.
  EXPECT_TRUE(healthy());
  held.clear();
  EXPECT_TRUE(healthy());
  EXPECT_EQ(kill(daemon->pid(), 0), 0) << "snapmgrd died";
  EXPECT_EQ(daemon->stop(), 0) << daemon->log();
}

}  // namespace
}  // namespace snapmgr::e2e
