// snapmgr conformance kit — the driver under test, as the checks see it.
//
// Purpose: one Kit per process holds the plugin loaded through the host's real loader, the
// options file loaded and validated exactly as snapmgrd validates a backend's `options:`, the
// fixture hook (when one was given) and the driver instances the checks call. Checks never load
// or create drivers themselves; they ask the Kit (usually through ConformanceTest, check.hpp):
//   - `shared_driver()`: the instance read-only checks call, created once;
//   - `destructive_driver()`: for a check that changes the backend. Runs the hook's `reset`
//     first (when a hook was given) and returns a freshly created instance, so an in-memory
//     backend (options-defined inventory) starts again from its options;
//   - `new_driver()`: a fresh instance without a reset, for checks that may have to abandon a
//     call that never returns (deadline, concurrency) without blocking the shared instance.
// Without a hook, a destructive check changes the backend for good: point the kit only at a
// disposable backend (the built-in destructive checks run after all read-only ones).
//
// Ownership: driver instances are shared_ptr whose deleter keeps the plugin's library mapped.
// The Kit itself lives until the process exits.
// Thread-safety: every member may be called from any thread; instance creation and resets are
// serialised.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "snapmgr/descriptor.hpp"
#include "snapmgr/driver.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::conformance {

struct KitSettings {
  std::string driver_path;   // the plugin, libsnapmgr_<name>.so
  std::string options_path;  // the driver's `options:` map as YAML
  std::string hook_path;     // the fixture hook; empty = none
  std::string work_dir;      // scratch space: <work_dir>/fixture (SNAPMGR_FIXTURE_DIR), <work_dir>/state
  std::chrono::milliseconds call_timeout{60'000};  // deadline of every driver call a check makes
  // How long a call whose deadline has already passed (or is 1 ms away) may take to return.
  std::chrono::milliseconds return_bound{5'000};
  std::chrono::milliseconds hook_timeout{600'000};  // each hook command is killed after this
  bool verbose = false;                             // also print the driver's debug and info log lines
  // Each driver instance in a worker process of its own (the kit's program run as a driver
  // worker), reached through the host's proxy driver: what snapmgrd does for `isolation: process`.
  bool in_worker = false;
};

class Kit {
 public:
  // Loads the plugin and the options (merging `hook_setup_output`, the YAML map printed by
  // `hook setup`) and creates the shared instance. Returns an empty string on success, else what
  // went wrong (load, option or initialisation error, naming file, line and key where known).
  static std::string start(KitSettings settings, const std::string& hook_setup_output);
  // The kit started by start(); only valid after it succeeded.
  static Kit& get();

  const KitSettings& settings() const;
  const DriverDescriptor& descriptor() const;
  const std::string& plugin_path() const;
  bool has_hook() const;
  // A directory checks may use for files of their own (never inside the backend).
  std::string scratch_dir() const;

  // The instance read-only checks share. If a destructive check ran before and a hook exists,
  // the backend is reset and the instance recreated first. Null (with `error`) on failure.
  std::shared_ptr<Driver> shared_driver(std::string* error = nullptr);
  // Resets the backend (hook) and creates a fresh instance; marks the backend changed.
  std::shared_ptr<Driver> destructive_driver(std::string* error = nullptr);
  // A fresh instance, no reset.
  std::shared_ptr<Driver> new_driver(std::string* error = nullptr);

  // A call whose deadline is `settings().call_timeout` from now.
  Call call() const;

  ~Kit();

 private:
  struct Impl;
  explicit Kit(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace snapmgr::conformance
