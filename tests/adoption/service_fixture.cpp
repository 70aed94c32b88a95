#include "tests/adoption/service_fixture.hpp"

#include <fstream>
#include <thread>

#include "core/adoption/manage_service_factory.hpp"

namespace snapmgr::core::testing {

ServiceHost::ServiceHost(const std::filesystem::path& dir, const std::string& backends, const std::string& extra) {
  const auto config = (dir / "snapmgr.yaml").string();
  std::ofstream out(config);
  out << "host: node1\nstate_dir: " << (dir / "var").string() << "\n";
  if (extra.find("plugin_path:") == std::string::npos) out << "plugin_path: [" << SNAPMGR_PLUGIN_DIR << "]\n";
  out << extra << "backends:\n" << backends;
  out.close();
  setup_ = start_host(config, false);
  if (!setup_.errors.empty()) {
    error_ = to_string(setup_.errors);
    return;
  }
  auto service = open_manage_service(setup_.config, *setup_.backends);
  if (!service.ok()) {
    error_ = service.error().message;
    return;
  }
  service_ = std::move(*service);
}

ServiceHost::~ServiceHost() { service_.reset(); }

std::string ServiceHost::wait_snapshot(const std::string& id, const std::string& status) {
  std::string seen;
  for (int i = 0; i < 1500; ++i) {
    auto row = service_->get_snapshot(id);
    seen = row.ok() ? row->status : "(" + row.error().message + ")";
    if (seen == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return seen;
}

std::string ServiceHost::wait_volume(const std::string& id, const std::string& status) {
  std::string seen;
  for (int i = 0; i < 1500; ++i) {
    auto row = service_->get_volume(id);
    seen = row.ok() ? row->status : "(" + row.error().message + ")";
    if (seen == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return seen;
}

bool ServiceHost::wait_snapshot_gone(const std::string& id) {
  for (int i = 0; i < 1500; ++i) {
    if (!service_->get_snapshot(id).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool ServiceHost::wait_volume_gone(const std::string& id) {
  for (int i = 0; i < 1500; ++i) {
    if (!service_->get_volume(id).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = std::filesystem::temp_directory_path() /
          ("snapmgr-service-" + std::to_string(::getpid()) + "-" + (info ? info->name() : "x"));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace snapmgr::core::testing
