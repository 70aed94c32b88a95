// The drivers available to this host, found by name. Loading a directory loads every
// `libsnapmgr_*.so` in it (in name order); a plugin that is refused — not a shared object,
// missing entry point, ABI or fingerprint mismatch, or a driver name already registered by
// another file — is recorded with its reason and does not stop the others.
//
// Thread-safety: filled once at start-up, then read-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/plugin_loader.hpp"

namespace snapmgr::core {

class DriverRegistry {
 public:
  struct Refusal {
    std::string path;
    std::string reason;  // includes the path
  };

  void load_directories(const std::vector<std::string>& directories);
  // Loads one file; returns false (and records the refusal) when it is refused.
  bool load_file(const std::string& path);

  const LoadedPlugin* find(std::string_view driver_name) const;
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<Refusal>& refusals() const { return refusals_; }
  // The refusal of a file named libsnapmgr_<driver_name>.so, if one was refused.
  const Refusal* refusal_for(std::string_view driver_name) const;
  // Problems that are not about one plugin (a plugin directory that does not exist).
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::string names() const;  // "fake, lvm, nfs" for messages

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<Refusal> refusals_;
  std::vector<std::string> warnings_;
};

}  // namespace snapmgr::core
