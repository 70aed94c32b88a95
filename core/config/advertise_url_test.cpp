// The service registry's configuration keys (advertise_url, report_interval_s,
// service_down_time_s) and the advertised URL derived from the bound address.
#include "core/config/advertise_url.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

HostConfigLoad parse_top(const std::string& top) { return parse_host_config(top + "backends: []\n", "etc/test.yaml"); }

// Every error, one per line, without the last newline.
std::string errors_of(const std::string& top) {
  std::string s = to_string(parse_top(top).errors);
  if (!s.empty()) s.pop_back();
  return s;
}

TEST(ServiceRegistryConfig, DefaultsAreCindersReportIntervalAndServiceDownTime) {
  auto load = parse_top("");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  EXPECT_EQ(load.config->report_interval_s, 10);
  EXPECT_EQ(load.config->service_down_time_s, 60);
  EXPECT_EQ(load.config->advertise_url, "");
}

TEST(ServiceRegistryConfig, KeysAreRead) {
  auto load = parse_top(
      "advertise_url: https://node1.example:9000/storage\nreport_interval_s: 1\n"
      "service_down_time_s: 3\n");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  EXPECT_EQ(load.config->advertise_url, "https://node1.example:9000/storage");
  EXPECT_EQ(load.config->report_interval_s, 1);
  EXPECT_EQ(load.config->service_down_time_s, 3);
}

TEST(ServiceRegistryConfig, DownTimeMustExceedTheReportInterval) {
  EXPECT_EQ(errors_of("report_interval_s: 5\nservice_down_time_s: 5\n"),
            "etc/test.yaml:2: service_down_time_s: must be greater than report_interval_s "
            "(report_interval_s 5, service_down_time_s 5)");
  // Only the interval given: the error is on its line, against the default down time.
  EXPECT_EQ(errors_of("report_interval_s: 60\n"),
            "etc/test.yaml:1: report_interval_s: must be less than service_down_time_s "
            "(report_interval_s 60, service_down_time_s 60)");
  EXPECT_EQ(errors_of("service_down_time_s: 10\n"),
            "etc/test.yaml:1: service_down_time_s: must be greater than report_interval_s "
            "(report_interval_s 10, service_down_time_s 10)");
}

TEST(ServiceRegistryConfig, RangesAndTypesAreChecked) {
  EXPECT_EQ(errors_of("report_interval_s: 0\n"), "etc/test.yaml:1: report_interval_s: must be between 1 and 3600");
  EXPECT_EQ(errors_of("service_down_time_s: 1\n"), "etc/test.yaml:1: service_down_time_s: must be between 2 and 86400");
  EXPECT_EQ(errors_of("report_interval_s: ten\n"),
            "etc/test.yaml:1: report_interval_s: expected an integer, found a string");
}

TEST(ServiceRegistryConfig, AdvertiseUrlMustBeAnHttpUrlWithAHost) {
  EXPECT_EQ(errors_of("advertise_url: node1:8776\n"),
            "etc/test.yaml:1: advertise_url: 'node1:8776': the scheme must be http or https");
  EXPECT_EQ(errors_of("advertise_url: not a url\n"),
            "etc/test.yaml:1: advertise_url: 'not a url' is not an absolute URL (e.g. http://node1.example:8776)");
  EXPECT_EQ(errors_of("advertise_url: 'http:/path'\n"), "etc/test.yaml:1: advertise_url: 'http:/path' names no host");
  EXPECT_EQ(errors_of("advertise_url: 'http://u:p@node1:8776'\n"),
            "etc/test.yaml:1: advertise_url: 'http://u:p@node1:8776' must not carry user info, a query or a fragment");
}

TEST(AdvertisedUrl, DerivedFromTheBoundAddressAndPort) {
  HostConfig config;
  config.listen_address = "127.0.0.1";
  config.listen_port = 0;
  EXPECT_EQ(advertised_url(config, 41234), "http://127.0.0.1:41234");  // the port actually bound
  config.listen_address = "::1";
  EXPECT_EQ(advertised_url(config, 8776), "http://[::1]:8776");
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  config.listen_address = "0.0.0.0";
  EXPECT_EQ(advertised_url(config, 8776), "http://" + std::string(name) + ":8776");
  config.listen_address = "::";
  EXPECT_EQ(advertised_url(config, 8776), "http://" + std::string(name) + ":8776");
  config.advertise_url = "https://node1.example:9000";
  EXPECT_EQ(advertised_url(config, 8776), "https://node1.example:9000");  // as configured
}

}  // namespace
}  // namespace snapmgr::core
