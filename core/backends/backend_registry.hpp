// The configured backends of this host, keyed "<host>@<backend>" (Cinder's service host at
// backend level), each with an optional cluster and a state:
//   up        the driver loaded and initialised;
//   disabled  `disabled: true` in the config;
//   down      the driver's plugin was refused or its initialisation failed (reason kept and
//             logged). Disabled and down backends answer "Service is unavailable at this time."
// A backend of `isolation: process` runs its driver in a worker process (host/isolation/): its
// driver is a WorkerDriver, and while its worker is restarting its calls fail with BackendError
// naming the cause (`serving()` is false meanwhile).
// Building the registry also performs the config checks that need the loaded drivers: unknown
// driver names and options a driver does not accept are configuration errors (file, line, key).
//
// Ownership: the registry owns each backend's driver, options and logger; the driver is
// destroyed first. A driver call that overran its deadline may still be running on its own
// thread (service/driver_call.hpp) when the registry goes: the registry waits for it a little
// (`kDriverDrainTimeout`), and a backend whose calls are still running then is left loaded —
// driver, context and logger deliberately not destroyed, and logged — rather than destroyed
// under a running call. Thread-safety: built once at start-up, then read-only (drivers themselves
// are thread-safe by the SDK contract).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/backends/call_gate.hpp"
#include "core/config/host_config.hpp"
#include "core/logging/driver_logger.hpp"
#include "host/capability_gate.hpp"
#include "host/config_error.hpp"
#include "host/driver_registry.hpp"
#include "host/isolation/worker_process.hpp"
#include "host/plugin_loader.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::core {

enum class BackendState { Up, Down, Disabled };
std::string_view to_string(BackendState state);

struct Backend {
  std::string key;  // "<host>@<name>"
  std::string host;
  std::string name;
  std::string cluster;  // "" when not clustered
  std::string pool;     // the one pool its volumes are on (`pool`, default the backend's name)
  std::string driver_name;
  BackendState state = BackendState::Down;
  std::string down_reason;
  std::shared_ptr<CallGate> gate;  // the bulkhead: at most max_concurrent_calls wait on the driver
  const snapmgr::DriverDescriptor* descriptor = nullptr;  // null when the plugin is missing
  snapmgr::OptionValue options;
  std::unique_ptr<DriverLogger> logger;
  std::unique_ptr<snapmgr::DriverContext> context;  // what the driver was created with
  const WorkerProcess* worker = nullptr;            // `isolation: process`: the driver's, owned by `driver`
  DriverPtr driver;                                 // declared last: destroyed before what it borrows

  bool up() const { return state == BackendState::Up; }
  // Up, and (in process isolation) its worker running: what the service registry reports.
  bool serving() const { return up() && (!worker || worker->running()); }
  // Borrowed capability pointers, one accessor per capability (snapshot_discovery() ...
  // volume_release(), as on snapmgr::Driver); null when the backend is not up or lacks the
  // capability. They ask through the host's gate, which never calls an accessor newer than the
  // driver's SDK minor (host/capability_gate.hpp).
#define SNAPMGR_BACKEND_ACCESSOR(id, interface, name, accessor, bit, minor)                             \
  snapmgr::interface* accessor() const {                                                                \
    return up() ? capability<snapmgr::Capability::id>(*driver, descriptor->header.abi_minor) : nullptr; \
  }
  SNAPMGR_CAPABILITIES(SNAPMGR_BACKEND_ACCESSOR)
#undef SNAPMGR_BACKEND_ACCESSOR
};

class BackendRegistry {
 public:
  struct Build;
  static constexpr std::chrono::seconds kDriverDrainTimeout{2};

  BackendRegistry() = default;
  BackendRegistry(const BackendRegistry&) = delete;
  BackendRegistry& operator=(const BackendRegistry&) = delete;
  ~BackendRegistry();

  // Creates every backend of `config`. Config errors (unknown driver, rejected options) are
  // returned, not thrown; backends whose driver failed are kept, marked down.
  static Build build(HostConfig config, const DriverRegistry& drivers, snapmgr::CommandRunner& runner);

  const Backend* find(std::string_view key) const;
  const std::vector<std::unique_ptr<Backend>>& all() const { return backends_; }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

struct BackendRegistry::Build {
  std::unique_ptr<BackendRegistry> registry;
  ConfigErrors errors;
};

}  // namespace snapmgr::core
