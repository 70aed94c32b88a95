// Every bundled plugin respects the boundary: it links the SDK only (no symbol of the host's
// core, yaml-cpp or spdlog is undefined in it), and it exports only its entry point.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "host/command_runner.hpp"

namespace snapmgr::core {
namespace {

std::vector<std::string> bundled_plugins() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(SNAPMGR_PLUGIN_DIR)) {
    auto name = e.path().filename().string();
    if (name.rfind("libsnapmgr_", 0) == 0 && e.path().extension() == ".so") files.push_back(e.path().string());
  }
  return files;
}

std::string nm(const std::vector<std::string>& args) {
  ProcessCommandRunner runner;
  snapmgr::Command c;
  c.argv = {"nm"};
  c.argv.insert(c.argv.end(), args.begin(), args.end());
  auto r = runner.run(c);
  EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->err : r.error().message());
  return r.ok() ? r->out : "";
}

TEST(PluginBoundary, PluginsDoNotLinkAgainstCore) {
  auto plugins = bundled_plugins();
  ASSERT_FALSE(plugins.empty());
  for (const auto& p : plugins) {
    std::string undefined = nm({"-D", "-C", "--undefined-only", p});
    std::istringstream lines(undefined);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_EQ(line.find("snapmgr::core"), std::string::npos) << p << ": " << line;
      EXPECT_EQ(line.find("YAML::"), std::string::npos) << p << ": " << line;
      EXPECT_EQ(line.find("spdlog::"), std::string::npos) << p << ": " << line;
    }
  }
}

TEST(PluginBoundary, PluginsExportTheEntryPointAndNoSnapmgrSymbol) {
  for (const auto& p : bundled_plugins()) {
    std::string defined = nm({"-D", "-C", "--defined-only", p});
    EXPECT_NE(defined.find(" snapmgr_driver_descriptor_v1"), std::string::npos) << p;
    std::istringstream lines(defined);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_EQ(line.find("snapmgr::"), std::string::npos) << p << " exports " << line;
    }
  }
}

}  // namespace
}  // namespace snapmgr::core
