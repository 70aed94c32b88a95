#include "fake_driver.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "snapmgr/guard.hpp"

namespace snapmgr::fake {
namespace {

ManageableSnapshot to_record(FakeObject o) {
  ManageableSnapshot r;
  r.reference.set("source-name", std::move(o.name));
  r.size_bytes = o.size_bytes;
  r.source_reference.set("source-name", std::move(o.origin));
  r.in_use = o.in_use;
  r.reason = std::move(o.reason);
  r.extra_info = std::move(o.extra_info);
  return r;
}

ManageableVolume to_volume_record(FakeObject o) {
  ManageableVolume r;
  r.reference.set("source-name", std::move(o.name));
  r.size_bytes = o.size_bytes;
  r.in_use = o.in_use;
  r.reason = std::move(o.reason);
  r.extra_info = std::move(o.extra_info);
  return r;
}

std::string describe(const StringMap& ref) {
  std::string s = "{";
  for (const auto& [k, v] : ref) s += (s.size() > 1 ? ", " : "") + ("\"" + k + "\": \"" + v + "\"");
  return s + "}";
}

Result<std::string> source_name(const StringMap& reference) {
  const std::string* name = reference.find("source-name");
  if (!name) {
    return Error::invalid_reference("reference " + describe(reference) +
                                    " has no source-name (the fake backend names objects by source-name)");
  }
  if (name->empty()) return Error::invalid_reference("source-name is empty");
  return *name;
}

}  // namespace

// Counts a call as in flight so the destructor can wait for it.
class FakeDriver::InFlight {
 public:
  explicit InFlight(FakeDriver& d) : d_(d) {
    std::lock_guard lock(d_.mutex_);
    ++d_.in_flight_;
  }
  ~InFlight() {
    std::lock_guard lock(d_.mutex_);
    --d_.in_flight_;
    d_.wake_.notify_all();
  }

 private:
  FakeDriver& d_;
};

namespace {

// The `crash` and `exit` faults: the process the driver runs in dies, as a broken vendor driver's
// would — of SIGSEGV (the signal raised with its default action, so no handler can soften it),
// or by exit(status) from a driver thread.
void die_if_asked(const Fault& f, const std::string& operation, Logger& logger) {
  if (f.crash) {
    logger.error("fake: " + operation + " crashes (fault injection: SIGSEGV)");
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
  }
  if (f.exit) {
    logger.error("fake: " + operation + " exits with status " + std::to_string(*f.exit) + " (fault injection)");
    std::exit(*f.exit);
  }
}

}  // namespace

Result<std::unique_ptr<Driver>> FakeDriver::create(const DriverContext& context) {
  auto config = parse_fake_options(context.options);
  if (!config) return config.error();
  if (auto it = config->faults.find("init"); it != config->faults.end()) {
    const Fault& f = it->second;
    die_if_asked(f, "init", context.logger);
    if (f.hang) {
      std::mutex m;
      std::condition_variable never;
      std::unique_lock lock(m);
      never.wait(lock, [] { return false; });  // a hung initialisation, for the host's guard
    }
    if (f.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
    if (f.error) return Error::backend("initialisation failed: " + *f.error);
  }
  if (!config->state_file.empty() && std::filesystem::exists(config->state_file)) {
    auto loaded = FakeInventory::load(config->state_file);
    if (!loaded) return loaded.error();
    config->inventory = std::move(*loaded);
    context.logger.info("fake: inventory loaded from " + config->state_file);
  }
  auto driver = std::make_unique<FakeDriver>(std::move(*config), context.logger);
  {
    std::lock_guard lock(driver->mutex_);
    if (auto st = driver->persist(); !st) return st.error();
  }
  return std::unique_ptr<Driver>(std::move(driver));
}

FakeDriver::FakeDriver(FakeConfig config, Logger& logger)
    : logger_(logger),
      faults_(std::move(config.faults)),
      state_file_(std::move(config.state_file)),
      inventory_(std::move(config.inventory)) {}

FakeDriver::~FakeDriver() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  wake_.wait(lock, [this] { return in_flight_ == 0; });
}

Status FakeDriver::apply_fault(const std::string& operation, const Call& call) {
  auto it = faults_.find(operation);
  if (it == faults_.end()) return Status::success();
  const Fault& f = it->second;
  die_if_asked(f, operation, logger_);
  if (f.sleep_ms > 0) {
    // A driver that ignores its deadline: the host must not depend on it returning in time.
    logger_.warn("fake: " + operation + " sleeps " + std::to_string(f.sleep_ms) + " ms, ignoring the deadline");
    std::this_thread::sleep_for(std::chrono::milliseconds(f.sleep_ms));
  }
  std::unique_lock lock(mutex_);
  if (f.hang) {
    logger_.warn("fake: " + operation + " hangs (fault injection)");
    wake_.wait(lock, [this] { return stopping_; });
    return Error::timeout("fake: " + operation + " hung until the driver was stopped");
  }
  if (f.delay_ms > 0) {
    auto until = Call::Clock::now() + std::chrono::milliseconds(f.delay_ms);
    bool past_deadline = until > call.deadline;
    wake_.wait_until(lock, past_deadline ? call.deadline : until, [this] { return stopping_; });
    if (past_deadline) {
      return Error::timeout("fake: " + operation + " is delayed by " + std::to_string(f.delay_ms) +
                            " ms, past the call's deadline");
    }
  }
  if (f.error) return Error::backend(*f.error);
  return Status::success();
}

Status FakeDriver::persist() {
  if (state_file_.empty()) return Status::success();
  return inventory_.save(state_file_);
}

Result<FakeObject> FakeDriver::checked_snapshot(const StringMap& reference, const StringMap& volume_reference) const {
  auto name = source_name(reference);
  if (!name) return name.error();
  std::optional<FakeObject> snap = inventory_.find_snapshot(*name);
  if (!snap) {
    if (inventory_.find_volume(*name)) return Error::invalid_reference("'" + *name + "' is a volume, not a snapshot");
    return Error::invalid_reference("snapshot '" + *name + "' does not exist on the backend");
  }
  const std::string* volume = volume_reference.find("source-name");
  if (!volume || *volume != snap->origin) {
    return Error::invalid_reference("snapshot '" + *name + "' is a snapshot of volume '" + snap->origin + "', not of " +
                                    describe(volume_reference));
  }
  return std::move(*snap);
}

Result<FakeObject> FakeDriver::checked_volume(const StringMap& reference) const {
  auto name = source_name(reference);
  if (!name) return name.error();
  std::optional<FakeObject> volume = inventory_.find_volume(*name);
  if (!volume) {
    if (inventory_.find_snapshot(*name)) return Error::invalid_reference("'" + *name + "' is a snapshot, not a volume");
    return Error::invalid_reference("volume '" + *name + "' does not exist on the backend");
  }
  return std::move(*volume);
}

Status FakeDriver::stream_snapshots(const Call& call, SnapshotSink& out) noexcept {
  return guarded("fake: list_snapshots", [&]() -> Status {
    InFlight guard(*this);
    if (auto st = apply_fault("list_snapshots", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < inventory_.snapshot_count(); ++i) out.add(to_record(inventory_.snapshot(i)));
    return Status::success();
  });
}

Result<ManageableSnapshot> FakeDriver::inspect_snapshot(const Call& call, const StringMap& reference,
                                                        const StringMap& volume_reference) noexcept {
  return guarded("fake: inspect_snapshot", [&]() -> Result<ManageableSnapshot> {
    InFlight guard(*this);
    if (auto st = apply_fault("snapshot_size", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto snap = checked_snapshot(reference, volume_reference);
    if (!snap) return snap.error();
    return to_record(std::move(*snap));
  });
}

Result<StringMap> FakeDriver::adopt_snapshot(const Call& call, const StringMap& reference,
                                             const StringMap& volume_reference,
                                             const std::string& snapshot_id) noexcept {
  return guarded("fake: adopt_snapshot", [&]() -> Result<StringMap> {
    InFlight guard(*this);
    if (auto st = apply_fault("adopt_snapshot", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    const std::string new_name = "_snapshot-" + snapshot_id;
    auto snap = checked_snapshot(reference, volume_reference);
    if (!snap) {
      // Idempotent: an adoption repeated after a host crash finds the object already renamed.
      if (checked_snapshot(StringMap{{"source-name", new_name}}, volume_reference))
        return StringMap{{"source-name", new_name}};
      return snap.error();
    }
    const std::string old_name = snap->name;
    if (auto st = inventory_.rename_snapshot(old_name, new_name); !st) return st.error();
    if (auto st = persist(); !st) {
      (void)inventory_.rename_snapshot(new_name, old_name);
      return st.error();
    }
    logger_.info("fake: renamed snapshot " + old_name + " to " + new_name);
    return StringMap{{"source-name", new_name}};
  });
}

Status FakeDriver::release_snapshot(const Call& call, const StringMap& provider_reference,
                                    const std::string& snapshot_id) noexcept {
  return guarded("fake: release_snapshot", [&]() -> Status {
    InFlight guard(*this);
    if (auto st = apply_fault("release_snapshot", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    const std::string* name = provider_reference.find("source-name");
    if (!name || !inventory_.find_snapshot(*name)) {
      logger_.warn("fake: released snapshot " + snapshot_id + " has no backend object " + describe(provider_reference));
    }
    return Status::success();
  });
}

Status FakeDriver::stream_volumes(const Call& call, VolumeSink& out) noexcept {
  return guarded("fake: list_volumes", [&]() -> Status {
    InFlight guard(*this);
    if (auto st = apply_fault("list_volumes", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < inventory_.volume_count(); ++i) out.add(to_volume_record(inventory_.volume(i)));
    return Status::success();
  });
}

Result<ManageableVolume> FakeDriver::inspect_volume(const Call& call, const StringMap& reference) noexcept {
  return guarded("fake: inspect_volume", [&]() -> Result<ManageableVolume> {
    InFlight guard(*this);
    if (auto st = apply_fault("volume_size", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto volume = checked_volume(reference);
    if (!volume) return volume.error();
    return to_volume_record(std::move(*volume));
  });
}

Result<StringMap> FakeDriver::adopt_volume(const Call& call, const StringMap& reference,
                                           const std::string& volume_id) noexcept {
  return guarded("fake: adopt_volume", [&]() -> Result<StringMap> {
    InFlight guard(*this);
    if (auto st = apply_fault("adopt_volume", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    const std::string new_name = "volume-" + volume_id;
    auto volume = checked_volume(reference);
    if (!volume) {
      if (checked_volume(StringMap{{"source-name", new_name}}))
        return StringMap{{"source-name", new_name}};  // idempotent
      return volume.error();
    }
    const std::string old_name = volume->name;
    if (auto st = inventory_.rename_volume(old_name, new_name); !st) return st.error();
    if (auto st = persist(); !st) {
      (void)inventory_.rename_volume(new_name, old_name);
      return st.error();
    }
    logger_.info("fake: renamed volume " + old_name + " to " + new_name);
    return StringMap{{"source-name", new_name}};
  });
}

Status FakeDriver::release_volume(const Call& call, const StringMap& provider_reference,
                                  const std::string& volume_id) noexcept {
  return guarded("fake: release_volume", [&]() -> Status {
    InFlight guard(*this);
    if (auto st = apply_fault("release_volume", call); !st) return st.error();
    std::lock_guard lock(mutex_);
    const std::string* name = provider_reference.find("source-name");
    if (!name || !inventory_.find_volume(*name)) {
      logger_.warn("fake: released volume " + volume_id + " has no backend object " + describe(provider_reference));
    } else {
      logger_.info("fake: released volume " + volume_id + " (" + *name + " is left as it is)");
    }
    return Status::success();
  });
}

}  // namespace snapmgr::fake
