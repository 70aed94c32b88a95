#include "snapmgr/conformance/kit.hpp"

#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>

#include "fixture_hook.hpp"
#include "host/command_runner.hpp"
#include "host/isolation/worker_driver.hpp"
#include "host/isolation/worker_process.hpp"
#include "host/plugin_loader.hpp"
#include "options_file.hpp"
#include "stderr_logger.hpp"

namespace snapmgr::conformance {

struct Kit::Impl {
  explicit Impl(KitSettings s) : settings(std::move(s)), logger(settings.verbose) {}

  std::shared_ptr<Driver> create(std::string* error);  // needs mutex

  KitSettings settings;
  core::LoadedPlugin plugin;
  OptionValue options;
  StderrLogger logger;
  core::ProcessCommandRunner runner;
  std::optional<FixtureHook> hook;

  std::mutex mutex;
  std::deque<DriverContext> contexts;  // one per instance in process; never freed before the process ends
  int instances = 0;                   // created so far, each with a state directory of its own
  std::shared_ptr<Driver> shared;
  bool backend_changed = false;
};

namespace {

std::unique_ptr<Kit>& the_kit() {
  static std::unique_ptr<Kit> kit;
  return kit;
}

void report(std::string* error, const std::string& text) {
  if (error) *error = text;
}

}  // namespace

std::shared_ptr<Driver> Kit::Impl::create(std::string* error) {
  // Each instance gets its own state directory, as each snapmgrd backend does.
  const auto state_dir = std::filesystem::path(settings.work_dir) / "state" / std::to_string(instances++);
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    report(error, "cannot create the state directory " + state_dir.string() + ": " + ec.message());
    return nullptr;
  }
  const std::string backend = "conformance@" + plugin.descriptor->name;
  if (settings.in_worker) {
    core::WorkerSettings worker;
    worker.executable = core::this_program();  // run() makes it a driver worker for --driver-worker
    worker.plugin_path = plugin.path;
    worker.backend = backend;
    worker.state_dir = state_dir.string();
    worker.options = options;
    worker.init_timeout = settings.call_timeout;
    // `logger` lives as long as the kit, which is never destroyed before the process ends.
    auto process = std::make_unique<core::WorkerProcess>(std::move(worker), logger);
    if (auto refused = process->refused()) {
      report(error, *refused);
      return nullptr;
    }
    if (!process->running()) {
      report(error, "its worker is " + process->state());
      return nullptr;
    }
    return std::make_shared<core::WorkerDriver>(std::move(process), plugin.descriptor->capabilities);
  }
  const DriverContext& context =
      contexts.emplace_back(DriverContext{options, logger, runner, backend, state_dir.string()});
  auto creation = core::create_driver(plugin, context, settings.call_timeout);
  if (!creation.driver) {
    report(error, creation.error);
    return nullptr;
  }
  return std::shared_ptr<Driver>(std::move(creation.driver));
}

std::string Kit::start(KitSettings settings, const std::string& hook_setup_output) {
  auto impl = std::make_unique<Impl>(std::move(settings));
  auto load = core::load_plugin(impl->settings.driver_path);
  if (!load.plugin) return "cannot load the driver: " + load.error;
  impl->plugin = std::move(*load.plugin);

  const std::string fixture_dir = (std::filesystem::path(impl->settings.work_dir) / "fixture").string();
  auto options =
      load_driver_options(impl->settings.options_path, fixture_dir, hook_setup_output, *impl->plugin.descriptor);
  if (!options.options) return "the driver options are not valid:\n" + options.error;
  impl->options = std::move(*options.options);

  if (!impl->settings.hook_path.empty()) {
    impl->hook.emplace(impl->settings.hook_path, fixture_dir, impl->runner, impl->settings.hook_timeout);
  }
  std::string error;
  impl->shared = impl->create(&error);
  if (!impl->shared) return "cannot create the driver: " + error;
  the_kit().reset(new Kit(std::move(impl)));
  return {};
}

Kit& Kit::get() { return *the_kit(); }

Kit::Kit(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Kit::~Kit() = default;

const KitSettings& Kit::settings() const { return impl_->settings; }
const DriverDescriptor& Kit::descriptor() const { return *impl_->plugin.descriptor; }
const std::string& Kit::plugin_path() const { return impl_->plugin.path; }
bool Kit::has_hook() const { return impl_->hook.has_value(); }

std::string Kit::scratch_dir() const {
  auto dir = std::filesystem::path(impl_->settings.work_dir) / "scratch";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir.string();
}

std::shared_ptr<Driver> Kit::shared_driver(std::string* error) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->backend_changed && impl_->hook) {
    // A destructive check ran (the order was changed, e.g. --gtest_shuffle): restore the
    // backend and do not trust what the old instance may have cached.
    impl_->shared.reset();
    if (auto st = impl_->hook->reset(); !st) {
      report(error, st.error().message());
      return nullptr;
    }
    impl_->backend_changed = false;
  }
  if (!impl_->shared) impl_->shared = impl_->create(error);
  return impl_->shared;
}

std::shared_ptr<Driver> Kit::destructive_driver(std::string* error) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->hook) {
    if (auto st = impl_->hook->reset(); !st) {
      report(error, st.error().message());
      return nullptr;
    }
  }
  impl_->backend_changed = true;
  return impl_->create(error);
}

std::shared_ptr<Driver> Kit::new_driver(std::string* error) {
  std::lock_guard lock(impl_->mutex);
  return impl_->create(error);
}

Call Kit::call() const {
  Call call;
  call.deadline = Call::Clock::now() + impl_->settings.call_timeout;
  call.request_id = "conformance";
  return call;
}

}  // namespace snapmgr::conformance
