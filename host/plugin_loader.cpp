#include "host/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstring>
#include <future>
#include <thread>

#include "host/build_fingerprint.hpp"
#include "host/capability_gate.hpp"
#include "snapmgr/export.hpp"
#include "snapmgr/version.hpp"

namespace snapmgr::core {
namespace {

std::string version_string(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool terminated(const char* field, std::size_t size) { return std::memchr(field, '\0', size) != nullptr; }

// Empty when the header is acceptable, else the cause.
std::string check_header(const snapmgr::DescriptorHeader& h) {
  const std::string host = version_string(snapmgr::kAbiMajor, snapmgr::kAbiMinor);
  const std::string plugin = version_string(h.abi_major, h.abi_minor);
  if (h.abi_major != snapmgr::kAbiMajor) {
    return "SDK ABI major version differs: plugin ABI " + plugin + ", host ABI " + host;
  }
  if (h.abi_minor > snapmgr::kAbiMinor) {
    return "SDK ABI minor version is newer than the host's: plugin ABI " + plugin + ", host ABI " + host;
  }
  if (!terminated(h.fingerprint, sizeof h.fingerprint) || !terminated(h.sdk_version, sizeof h.sdk_version)) {
    return "corrupt descriptor header (unterminated fingerprint or SDK version)";
  }
  return fingerprint_mismatch(h.fingerprint);
}

// Accessors of a minor newer than the driver's are neither called nor may they be declared.
std::string check_capabilities(const snapmgr::DriverDescriptor& desc, snapmgr::Driver& driver) {
  const std::uint32_t minor = desc.header.abi_minor;
  std::string problems;
  auto add = [&](const std::string& problem) { problems += (problems.empty() ? "" : "; ") + problem; };
  for (auto c : snapmgr::kAllCapabilities) {
    const bool declared = snapmgr::has(desc.capabilities, c);
    if (!has_accessor(c, minor)) {
      if (declared) {
        add(std::string("declares ") + to_string(c) + ", which SDK " + version_string(snapmgr::kAbiMajor, minor) +
            " (the driver's) does not have (new in " + version_string(snapmgr::kAbiMajor, introduced_in(c)) + ")");
      }
      continue;
    }
    const bool provided = capability(driver, minor, c) != nullptr;
    if (declared && !provided) add(std::string("declares ") + to_string(c) + " but does not provide it");
    if (!declared && provided) add(std::string("provides ") + to_string(c) + " but does not declare it");
  }
  return problems;
}

// Boost.DLL clears dlerror(); ask the dynamic loader once more only to read its explanation
// ("invalid ELF header", "undefined symbol: ...").
std::string loader_diagnostic(const std::string& path, const std::string& fallback) {
  dlerror();
  if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    dlclose(handle);
    return fallback;
  }
  const char* detail = dlerror();
  return detail ? detail : fallback;
}

}  // namespace

std::string describe_capabilities(std::uint32_t capabilities) {
  std::string s;
  for (auto c : snapmgr::kAllCapabilities) {
    if (!snapmgr::has(capabilities, c)) continue;
    if (!s.empty()) s += ", ";
    s += to_string(c);
  }
  return s.empty() ? "none" : s;
}

PluginLoad load_plugin(const std::string& path) {
  PluginLoad result;
  auto fail = [&](const std::string& cause) {
    result.error = path + ": " + cause;
    return result;
  };
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) return fail("cannot load as a shared object: " + loader_diagnostic(path, ec.message()));
  if (!library->has(snapmgr::kEntryPointName)) {
    return fail(std::string("missing entry point '") + snapmgr::kEntryPointName +
                "' (export it with SNAPMGR_EXPORT_DRIVER)");
  }
  auto& entry = library->get_alias<snapmgr::DescriptorFunction>(snapmgr::kEntryPointName);
  const snapmgr::DriverDescriptor* descriptor = nullptr;
  try {
    descriptor = entry();
  } catch (...) {
    return fail("the descriptor function threw an exception");
  }
  if (!descriptor) return fail("the descriptor function returned null");
  if (auto cause = check_header(descriptor->header); !cause.empty()) return fail(cause);
  if (descriptor->name.empty()) return fail("the descriptor has no driver name");
  if (!descriptor->factory) return fail("the descriptor of driver '" + descriptor->name + "' has no factory");
  result.plugin = LoadedPlugin{path, std::move(library), descriptor};
  return result;
}

DriverCreation create_driver(const LoadedPlugin& plugin, const snapmgr::DriverContext& context,
                             std::chrono::milliseconds timeout, std::shared_ptr<void> hold) {
  DriverCreation result;
  const auto& desc = *plugin.descriptor;
  const std::string who = "driver '" + desc.name + "' (" + plugin.path + ")";

  // The factory runs on its own thread so that a factory which never returns cannot stop the
  // host from starting; the promise is shared so an abandoned thread can still complete it, and
  // the thread pins the library its factory and any late driver come from.
  using Outcome = snapmgr::Result<std::unique_ptr<snapmgr::Driver>>;
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  std::thread([promise, factory = desc.factory, library = plugin.library, hold = std::move(hold), &context]() {
    try {
      promise->set_value(factory(context));
    } catch (const std::exception& e) {
      promise->set_value(snapmgr::Error::backend(std::string("the factory threw an exception: ") + e.what()));
    } catch (...) {
      promise->set_value(snapmgr::Error::backend("the factory threw an exception"));
    }
  }).detach();
  if (future.wait_for(timeout) != std::future_status::ready) {
    result.error = who + ": initialisation did not finish within " + std::to_string(timeout.count()) + " ms";
    return result;
  }
  Outcome outcome = future.get();
  if (!outcome.ok()) {
    result.error = who + ": initialisation failed: " + std::string(to_string(outcome.error().code())) + ": " +
                   outcome.error().message();
    return result;
  }
  if (!outcome.value()) {
    result.error = who + ": the factory returned no driver";
    return result;
  }
  DriverPtr driver(outcome.value().release(), LibraryPinningDeleter{plugin.library});
  if (auto problems = check_capabilities(desc, *driver); !problems.empty()) {
    result.error = who + ": capabilities do not match the descriptor: " + problems;
    return result;
  }
  result.driver = std::move(driver);
  return result;
}

}  // namespace snapmgr::core
