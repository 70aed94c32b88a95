// The Logger a driver receives (SDK services.hpp): forwards to the host logger, prefixing every
// line with the backend ("node1@fake1: ..."); the host's formatter adds time, level and the
// request id. Thread-safe.
#pragma once

#include <string>

#include "snapmgr/services.hpp"

namespace snapmgr::core {

class DriverLogger final : public snapmgr::Logger {
 public:
  explicit DriverLogger(std::string backend) : backend_(std::move(backend)) {}
  void write(snapmgr::LogLevel level, std::string_view message) noexcept override;

 private:
  std::string backend_;
};

}  // namespace snapmgr::core
