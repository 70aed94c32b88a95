#include "core/daemon/commands.hpp"

#include "core/catalog/catalog_factory.hpp"
#include "core/config/internal_secret.hpp"
#include "core/daemon/startup.hpp"
#include "host/plugin_loader.hpp"

namespace snapmgr::core {

int check_config(const std::string& config_path, std::ostream& out, std::ostream& err) {
  HostSetup setup = start_host(config_path, /*configure_logging=*/false);
  bool ok = setup.errors.empty();
  for (const auto& e : setup.errors) err << e.to_string() << "\n";
  if (setup.drivers) {
    for (const auto& r : setup.drivers->refusals()) err << "plugin refused: " << r.reason << "\n";
  }
  if (setup.backends) {
    for (const auto& b : setup.backends->all()) {
      out << b->key << ": driver " << b->driver_name;
      if (b->descriptor) {
        out << " " << b->descriptor->version << " (" << describe_capabilities(b->descriptor->capabilities) << ")";
      }
      if (!b->cluster.empty()) out << " cluster " << b->cluster;
      out << ", " << to_string(b->state) << "\n";
      if (b->state == BackendState::Down) {
        err << b->key << " is down: " << b->down_reason << "\n";
        ok = false;
      }
    }
  }
  if (setup.errors.empty()) {
    if (auto secret = load_internal_secret(setup.config); !secret) {
      err << secret.error() << "\n";
      ok = false;
    }
    auto catalog = probe_catalog(setup.config);
    if (catalog) {
      out << "catalog: " << *catalog << "\n";
    } else {
      err << "catalog: " << catalog.error().message << "\n";
      ok = false;
    }
  }
  if (ok) out << config_path << ": OK\n";
  return ok ? 0 : 1;
}

int list_drivers(const std::vector<std::string>& plugin_dirs, std::ostream& out, std::ostream& err) {
  DriverRegistry drivers;
  drivers.load_directories(plugin_dirs);
  for (const auto& w : drivers.warnings()) err << w << "\n";
  for (const auto& r : drivers.refusals()) err << "plugin refused: " << r.reason << "\n";
  out << "| driver | version | vendor | capabilities |\n|---|---|---|---|\n";
  for (const auto& p : drivers.plugins()) {
    const auto& d = *p.descriptor;
    out << "| " << d.name << " | " << d.version << " | " << d.vendor << " | " << describe_capabilities(d.capabilities)
        << " |\n";
  }
  return !drivers.plugins().empty() && drivers.refusals().empty() ? 0 : 1;
}

}  // namespace snapmgr::core
