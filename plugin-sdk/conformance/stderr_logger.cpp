#include "stderr_logger.hpp"

#include <cstdio>

namespace snapmgr::conformance {
namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "?";
}

}  // namespace

void StderrLogger::write(LogLevel level, std::string_view message) noexcept {
  if (!verbose_ && (level == LogLevel::Debug || level == LogLevel::Info)) return;
  std::lock_guard lock(mutex_);
  std::fprintf(stderr, "[driver %s] %.*s\n", level_name(level), static_cast<int>(message.size()), message.data());
}

}  // namespace snapmgr::conformance
