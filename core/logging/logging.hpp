// Host logging: one spdlog logger owned by snapmgrd (never spdlog's global registry), writing
// text or JSON lines to stderr. Every line carries the request id of the request the current
// thread is serving (`RequestIdScope`), so all lines of one API request can be found together.
//
// Thread-safety: the logger is thread-safe; the request id is per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/logger.h>

namespace snapmgr::core {

struct LogSettings {
  std::string level = "info";   // debug | info | warning | error
  std::string format = "text";  // text | json
};

// Whether `level`/`format` are accepted values (the config loader reports the others).
bool is_valid_log_level(std::string_view level);
bool is_valid_log_format(std::string_view format);

// Creates the host logger and makes it the one `log()` returns. `sink` defaults to stderr
// (tests pass an ostream sink to read what was logged).
std::shared_ptr<spdlog::logger> init_logging(const LogSettings& settings, spdlog::sink_ptr sink = nullptr);

// The host logger. Before init_logging() it is a text logger at info level.
spdlog::logger& log();

// Sets the calling thread's request id for the scope's lifetime (restores the previous one).
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// The calling thread's current request id ("" when none).
const std::string& current_request_id();

}  // namespace snapmgr::core
