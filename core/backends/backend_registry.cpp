#include "core/backends/backend_registry.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "core/logging/logging.hpp"
#include "host/driver_options.hpp"
#include "host/isolation/worker_driver.hpp"

namespace snapmgr::core {

std::string_view to_string(BackendState state) {
  switch (state) {
    case BackendState::Up: return "up";
    case BackendState::Down: return "down";
    case BackendState::Disabled: return "disabled";
  }
  return "unknown";
}

namespace {

// The program a driver worker runs: SNAPMGR_DRIVER_WORKER (a debugging wrapper, or snapmgrd for
// a test program that is not snapmgrd), else this very program.
std::string worker_executable() {
  if (const char* wrapper = std::getenv("SNAPMGR_DRIVER_WORKER"); wrapper && *wrapper) return wrapper;
  return this_program();
}

// `isolation: process`: the driver in its worker; the backend is down only when the driver
// refused to be created (its worker is not restarted then), as in process.
void start_worker(Backend& backend, const LoadedPlugin& plugin, const BackendConfig& bc, const HostConfig& config,
                  const std::string& state_dir) {
  WorkerSettings settings;
  settings.executable = worker_executable();
  settings.plugin_path = plugin.path;
  settings.backend = backend.key;
  settings.state_dir = state_dir;
  settings.options = backend.options;
  settings.init_timeout = std::chrono::seconds(config.call_timeout_s);
  settings.memory_limit_mib = static_cast<std::uint64_t>(bc.worker_memory_limit_mib);
  settings.max_open_files = static_cast<std::uint64_t>(bc.worker_max_open_files);
  auto worker = std::make_unique<WorkerProcess>(std::move(settings), *backend.logger);
  if (auto refused = worker->refused()) {
    backend.down_reason = *refused;
    log().error("backend {} is down: {}", backend.key, *refused);
    return;
  }
  backend.worker = worker.get();
  log().info("backend {} is up in a worker process, {}: driver {} {} ({})", backend.key, worker->state(),
             plugin.descriptor->name, plugin.descriptor->version,
             describe_capabilities(plugin.descriptor->capabilities));
  backend.driver = DriverPtr(new WorkerDriver(std::move(worker), plugin.descriptor->capabilities),
                             LibraryPinningDeleter{plugin.library});
  backend.state = BackendState::Up;
}

}  // namespace

BackendRegistry::Build BackendRegistry::build(HostConfig config, const DriverRegistry& drivers,
                                              snapmgr::CommandRunner& runner) {
  Build result;
  result.registry = std::make_unique<BackendRegistry>();
  for (std::size_t i = 0; i < config.backends.size(); ++i) {
    BackendConfig& bc = config.backends[i];
    auto backend = std::make_unique<Backend>();
    backend->host = config.host;
    backend->name = bc.name;
    backend->key = config.host + "@" + bc.name;
    backend->cluster = bc.cluster;
    backend->pool = bc.pool.empty() ? bc.name : bc.pool;
    backend->driver_name = bc.driver;
    backend->gate = std::make_shared<CallGate>(static_cast<std::size_t>(bc.max_concurrent_calls),
                                               bc.isolation == BackendConfig::Isolation::Process);
    backend->logger = std::make_unique<DriverLogger>(backend->key);

    const LoadedPlugin* plugin = drivers.find(bc.driver);
    if (!plugin) {
      if (const auto* refusal = drivers.refusal_for(bc.driver)) {
        backend->down_reason = "driver '" + bc.driver + "' could not be loaded: " + refusal->reason;
        log().error("backend {} is down: {}", backend->key, backend->down_reason);
        result.registry->backends_.push_back(std::move(backend));
      } else {
        result.errors.push_back({config.file, bc.driver_line ? bc.driver_line : bc.line,
                                 "backends[" + std::to_string(i) + "].driver",
                                 "unknown driver '" + bc.driver + "' (loaded drivers: " + drivers.names() + ")"});
      }
      continue;
    }
    backend->descriptor = plugin->descriptor;
    auto option_errors = validate_driver_options(bc.options, *plugin->descriptor, config.file,
                                                 "backends[" + std::to_string(i) + "].options", bc.line);
    if (!option_errors.empty()) {
      result.errors.insert(result.errors.end(), option_errors.begin(), option_errors.end());
      continue;
    }
    backend->options = bc.options;
    if (bc.disabled) {
      backend->state = BackendState::Disabled;
      log().info("backend {} ({}) is disabled by configuration", backend->key, bc.driver);
      result.registry->backends_.push_back(std::move(backend));
      continue;
    }
    const std::string state_dir = (std::filesystem::path(config.state_dir) / "backends" / bc.name).string();
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    backend->context = std::make_unique<snapmgr::DriverContext>(
        snapmgr::DriverContext{backend->options, *backend->logger, runner, backend->key, state_dir});
    if (bc.isolation == BackendConfig::Isolation::Process) {
      start_worker(*backend, *plugin, bc, config, state_dir);
      result.registry->backends_.push_back(std::move(backend));
      continue;
    }
    // The factory's thread holds a place in the gate, so that a factory still running at
    // shutdown keeps its context alive (see ~BackendRegistry).
    auto place = std::make_shared<CallGate::Ticket>(*backend->gate->try_enter());
    auto creation = create_driver(*plugin, *backend->context, std::chrono::seconds(config.call_timeout_s), place);
    place.reset();
    if (!creation.driver) {
      backend->down_reason = creation.error;
      log().error("backend {} is down: {}", backend->key, creation.error);
    } else {
      backend->driver = std::move(creation.driver);
      backend->state = BackendState::Up;
      log().info("backend {} is up: driver {} {} ({})", backend->key, plugin->descriptor->name,
                 plugin->descriptor->version, describe_capabilities(plugin->descriptor->capabilities));
    }
    result.registry->backends_.push_back(std::move(backend));
  }
  return result;
}

namespace {

// Backends left loaded at shutdown: reachable for as long as the process runs.
void keep_loaded(std::unique_ptr<Backend> backend) {
  static std::mutex mutex;
  static auto* kept = new std::vector<std::unique_ptr<Backend>>();
  std::lock_guard lock(mutex);
  kept->push_back(std::move(backend));
}

}  // namespace

BackendRegistry::~BackendRegistry() {
  const auto deadline = std::chrono::steady_clock::now() + kDriverDrainTimeout;
  for (auto& backend : backends_) {
    if (backend->gate->wait_idle_until(deadline)) continue;
    log().warn(
        "backend {}: {} driver call(s) still running past their deadline at shutdown; its driver is left "
        "loaded instead of being destroyed under them",
        backend->key, backend->gate->in_use());
    keep_loaded(std::move(backend));  // the running calls use its driver, context and logger
  }
}

const Backend* BackendRegistry::find(std::string_view key) const {
  for (const auto& b : backends_)
    if (b->key == key) return b.get();
  return nullptr;
}

}  // namespace snapmgr::core
