// The Logger the kit lends the driver under test: one line per message on stderr, prefixed with
// the level and "driver". Debug and info lines are printed only when verbose, so the checks'
// own output stays readable; warnings and errors always are.
//
// Thread-safety: write() may be called from any thread; lines never interleave.
#pragma once

#include <mutex>

#include "snapmgr/services.hpp"

namespace snapmgr::conformance {

class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(bool verbose) : verbose_(verbose) {}
  void write(LogLevel level, std::string_view message) noexcept override;

 private:
  bool verbose_;
  std::mutex mutex_;
};

}  // namespace snapmgr::conformance
