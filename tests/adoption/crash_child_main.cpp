// Test helper process for crash_recovery_test: opens a host and its service on
// `<dir>/snapmgr.yaml`, adopts volume-a, then starts either adopting snapshot lvol0
// (`adopt`) or adopting and then unmanaging it (`unmanage`); prints the snapshot id on stdout
// and waits to be killed while the background step is still running (slowed by the fake's
// delay_ms faults in the config).
#include <iostream>
#include <thread>

#include "core/adoption/manage_service_factory.hpp"
#include "core/daemon/startup.hpp"

using namespace snapmgr::core;

namespace {

std::string wait_for(ManageService& s, bool volume, const std::string& id, const std::string& status) {
  for (int i = 0; i < 3000; ++i) {
    std::string seen = volume ? (s.get_volume(id).ok() ? s.get_volume(id)->status : "")
                              : (s.get_snapshot(id).ok() ? s.get_snapshot(id)->status : "");
    if (seen == status) return seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "timeout";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string dir = argv[1], mode = argv[2];
  HostSetup setup = start_host(dir + "/snapmgr.yaml", false);
  if (!setup.errors.empty()) {
    std::cerr << to_string(setup.errors);
    return 1;
  }
  auto service = open_manage_service(setup.config, *setup.backends);
  if (!service.ok()) return 1;
  ManageService& s = **service;
  Caller admin{"admin", "p1", true, "req-crash"};
  ManageVolumeRequest v;
  v.host = "node1@fake1";
  v.ref = {{"source-name", "volume-a"}};
  auto volume = s.manage_volume(v, admin);
  if (!volume.ok() || wait_for(s, true, volume->id, "available") != "available") return 1;
  ManageSnapshotRequest r;
  r.volume_id = volume->id;
  r.ref = {{"source-name", "lvol0"}};
  auto snapshot = s.manage_snapshot(r, admin);
  if (!snapshot.ok()) return 1;
  if (mode == "unmanage") {
    if (wait_for(s, false, snapshot->id, "available") != "available") return 1;
    if (!s.unmanage_snapshot(snapshot->id, admin).ok()) return 1;
  }
  std::cout << snapshot->id << std::endl;
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}
