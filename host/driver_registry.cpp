#include "host/driver_registry.hpp"

#include <algorithm>
#include <filesystem>

namespace snapmgr::core {

namespace fs = std::filesystem;

void DriverRegistry::load_directories(const std::vector<std::string>& directories) {
  for (const auto& dir : directories) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      warnings_.push_back("plugin directory '" + dir + "' does not exist or is not a directory");
      continue;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("libsnapmgr_", 0) == 0 && entry.path().extension() == ".so") {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) load_file(file);
  }
}

bool DriverRegistry::load_file(const std::string& path) {
  PluginLoad load = load_plugin(path);
  if (!load.plugin) {
    refusals_.push_back({path, load.error});
    return false;
  }
  const auto& name = load.plugin->descriptor->name;
  if (const LoadedPlugin* existing = find(name)) {
    refusals_.push_back({path, path + ": driver name '" + name + "' is already registered by " + existing->path});
    return false;
  }
  plugins_.push_back(std::move(*load.plugin));
  return true;
}

const LoadedPlugin* DriverRegistry::find(std::string_view driver_name) const {
  for (const auto& p : plugins_)
    if (p.descriptor->name == driver_name) return &p;
  return nullptr;
}

const DriverRegistry::Refusal* DriverRegistry::refusal_for(std::string_view driver_name) const {
  const std::string file = "libsnapmgr_" + std::string(driver_name) + ".so";
  for (const auto& r : refusals_)
    if (fs::path(r.path).filename() == file) return &r;
  return nullptr;
}

std::string DriverRegistry::names() const {
  std::string s;
  for (const auto& p : plugins_) s += (s.empty() ? "" : ", ") + p.descriptor->name;
  return s.empty() ? "none" : s;
}

}  // namespace snapmgr::core
