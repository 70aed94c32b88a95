// Transport limits of the real daemon: body limit (413 with Retry-After), header limit (431),
// non-HTTP input (400), keep-alive and pipelining.
#include <gtest/gtest.h>

#include "main_daemon.hpp"

namespace snapmgr::e2e {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

std::string padded_json(std::size_t total) {
  std::string body = R"({"x": 1})";
  body.append(total - body.size(), ' ');
  return body;
}

TEST(Transport, BodyAboveOneMiBIs413OverLimit) {
  auto r = admin_client().post("/v3/p1/os-snapshot-manage", padded_json(kMiB + 1));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("Retry-After"), "0");
  auto body = r.json();
  EXPECT_EQ(body.at("overLimit").at("retryAfter").as_string(), "0");
  EXPECT_EQ(body.at("overLimit").at("code").as_int64(), 413);
  EXPECT_FALSE(r.header("x-openstack-request-id").empty());
  // Exactly 1 MiB is read and validated.
  auto limit = admin_client().post("/v3/p1/os-snapshot-manage", padded_json(kMiB));
  EXPECT_EQ(limit.status, 400);
  EXPECT_EQ(limit.fault_message("badRequest"), "'snapshot' is a required property");
}

TEST(Transport, HugeHeaderIs431) {
  std::string answer = admin_client().raw(
      "GET /v3/p1/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\n"
      "X-Padding: " +
      std::string(64 * 1024, 'p') + "\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("\"computeFault\""), std::string::npos);
  EXPECT_NE(answer.find("x-openstack-request-id: req-"), std::string::npos);
}

TEST(Transport, NonHttpInputIs400AndTheConnectionCloses) {
  std::string answer = admin_client().raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"badRequest\""), std::string::npos) << answer;
}

TEST(Transport, KeepAliveAndPipelinedRequests) {
  const std::string get = "GET /v3/p1/volumes HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\n\r\n";
  const std::string last =
      "GET /v3/p1/snapshots HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\nConnection: close\r\n\r\n";
  std::string answer = admin_client().raw(get + get + last);
  std::size_t count = 0;
  for (auto pos = answer.find("HTTP/1.1 200 OK"); pos != std::string::npos;
       pos = answer.find("HTTP/1.1 200 OK", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u) << answer;
  EXPECT_NE(answer.find("\"snapshots\""), std::string::npos);
}

TEST(Transport, TargetsThatAreNotUrlsAre400) {
  std::string answer = admin_client().raw(
      "GET /v3/p1/volumes%zz HTTP/1.1\r\nHost: x\r\nX-Auth-Token: admin:p1\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
}

}  // namespace
}  // namespace snapmgr::e2e
