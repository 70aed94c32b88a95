#include "core/logging/driver_logger.hpp"

#include "core/logging/logging.hpp"

namespace snapmgr::core {

void DriverLogger::write(snapmgr::LogLevel level, std::string_view message) noexcept {
  try {
    auto spd = spdlog::level::info;
    switch (level) {
      case snapmgr::LogLevel::Debug: spd = spdlog::level::debug; break;
      case snapmgr::LogLevel::Info: spd = spdlog::level::info; break;
      case snapmgr::LogLevel::Warning: spd = spdlog::level::warn; break;
      case snapmgr::LogLevel::Error: spd = spdlog::level::err; break;
    }
    log().log(spd, "{}: {}", backend_, message);
  } catch (...) {
    // Logging must never take the caller down.
  }
}

}  // namespace snapmgr::core
