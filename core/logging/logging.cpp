#include "core/logging/logging.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <vector>

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <boost/json.hpp>

namespace snapmgr::core {
namespace {

thread_local std::string t_request_id;

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warning";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

std::string timestamp(std::chrono::system_clock::time_point tp) {
  auto t = std::chrono::system_clock::to_time_t(tp);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// "2026-11-27T01:02:03.456Z info req-… message" or one JSON object per line.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string line;
    if (json_) {
      boost::json::object o;
      o["time"] = timestamp(msg.time);
      o["level"] = level_name(msg.level);
      if (!t_request_id.empty()) o["request_id"] = t_request_id;
      o["message"] = text;
      line = boost::json::serialize(o);
    } else {
      line = timestamp(msg.time);
      line += ' ';
      line += level_name(msg.level);
      if (!t_request_id.empty()) {
        line += ' ';
        line += t_request_id;
      }
      line += ' ';
      line += text;
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(json_); }

 private:
  bool json_;
};

spdlog::level::level_enum parse_level(std::string_view level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

// Loggers are never destroyed while the process runs, so `log()` can hand out a reference
// without locking; replacing the logger (tests, start-up) keeps the old one alive.
std::mutex g_mutex;
std::vector<std::shared_ptr<spdlog::logger>> g_all_loggers;
std::atomic<spdlog::logger*> g_logger{nullptr};

std::shared_ptr<spdlog::logger> make_logger(const LogSettings& settings, spdlog::sink_ptr sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("snapmgrd", sink);
  logger->set_formatter(std::make_unique<LineFormatter>(settings.format == "json"));
  logger->set_level(parse_level(settings.level));
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace

bool is_valid_log_level(std::string_view level) {
  return level == "debug" || level == "info" || level == "warning" || level == "error";
}
bool is_valid_log_format(std::string_view format) { return format == "text" || format == "json"; }

std::shared_ptr<spdlog::logger> init_logging(const LogSettings& settings, spdlog::sink_ptr sink) {
  auto logger = make_logger(settings, std::move(sink));
  std::lock_guard lock(g_mutex);
  g_all_loggers.push_back(logger);
  g_logger.store(logger.get());
  return logger;
}

spdlog::logger& log() {
  if (auto* logger = g_logger.load()) return *logger;
  std::lock_guard lock(g_mutex);
  if (!g_logger.load()) {
    g_all_loggers.push_back(make_logger(LogSettings{}, nullptr));
    g_logger.store(g_all_loggers.back().get());
  }
  return *g_logger.load();
}

RequestIdScope::RequestIdScope(std::string id) : previous_(std::move(t_request_id)) { t_request_id = std::move(id); }
RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

const std::string& current_request_id() { return t_request_id; }

}  // namespace snapmgr::core
