#include "core/logging/logging.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <boost/json.hpp>

#include "core/logging/driver_logger.hpp"

namespace snapmgr::core {
namespace {

TEST(Logging, TextLinesCarryLevelRequestIdAndBackend) {
  std::ostringstream out;
  init_logging({"info", "text"}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  {
    RequestIdScope scope("req-1234");
    DriverLogger("node1@fake1").info("listing 3 snapshots");
  }
  log().info("after the request");
  std::string text = out.str();
  EXPECT_NE(text.find(" info req-1234 node1@fake1: listing 3 snapshots\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" info after the request\n"), std::string::npos) << text;
}

TEST(Logging, JsonLinesAreParseableObjects) {
  std::ostringstream out;
  init_logging({"debug", "json"}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  {
    RequestIdScope scope("req-9");
    log().warn("quote \" and newline \n inside");
  }
  auto v = boost::json::parse(out.str());
  EXPECT_EQ(v.at("level").as_string(), "warning");
  EXPECT_EQ(v.at("request_id").as_string(), "req-9");
  EXPECT_EQ(v.at("message").as_string(), "quote \" and newline \n inside");
}

TEST(Logging, LevelFiltersLowerLines) {
  std::ostringstream out;
  init_logging({"warning", "text"}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  log().info("hidden");
  log().error("shown");
  EXPECT_EQ(out.str().find("hidden"), std::string::npos);
  EXPECT_NE(out.str().find("shown"), std::string::npos);
}

TEST(Logging, AcceptedSettings) {
  EXPECT_TRUE(is_valid_log_level("warning"));
  EXPECT_FALSE(is_valid_log_level("verbose"));
  EXPECT_TRUE(is_valid_log_format("json"));
  EXPECT_FALSE(is_valid_log_format("xml"));
}

}  // namespace
}  // namespace snapmgr::core
