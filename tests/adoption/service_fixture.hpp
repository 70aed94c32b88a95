// Test support for the service: a host (config file in a temp dir, real plugins, real backend
// registry) and a ManageService opened on it, plus polling helpers.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/adoption/manage_service.hpp"
#include "core/daemon/startup.hpp"

namespace snapmgr::core::testing {

class ServiceHost {
 public:
  // `backends` is the YAML list under `backends:`; `extra` adds top-level keys.
  ServiceHost(const std::filesystem::path& dir, const std::string& backends, const std::string& extra = "");
  ~ServiceHost();

  ManageService& service() { return *service_; }
  HostSetup& setup() { return setup_; }
  const std::string& error() const { return error_; }
  bool ok() const { return service_ != nullptr; }

  // Polls until the row reaches `status` (or 15 s pass); returns the last status seen.
  std::string wait_snapshot(const std::string& id, const std::string& status);
  std::string wait_volume(const std::string& id, const std::string& status);
  // Polls until the row is gone (soft-deleted); false after 15 s.
  bool wait_snapshot_gone(const std::string& id);
  bool wait_volume_gone(const std::string& id);

  Caller admin() const { return Caller{"admin", "p1", true, "req-test"}; }

 private:
  HostSetup setup_;
  std::unique_ptr<ManageService> service_;
  std::string error_;
};

// A fresh directory under /tmp named after the running test; removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace snapmgr::core::testing
