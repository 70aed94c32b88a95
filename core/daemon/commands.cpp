#include "core/daemon/commands.hpp"

#include "core/catalog/catalog_copy.hpp"
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
      out << ", " << to_string(b->state);
      if (b->worker) out << ", in a worker process: " << b->worker->state();
      out << "\n";
      if (b->worker && !b->worker->running()) {
        err << b->key << ": its driver's worker is " << b->worker->state() << "\n";
        ok = false;
      }
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

int copy_catalog_to_postgres(const std::string& sqlite_path, const std::string& url, const std::string& password_file,
                             std::ostream& out, std::ostream& err) {
  const auto fail = [&](const std::string& message) {
    err << "snapmgrd --copy-catalog: " << message << "\n";
    return 1;
  };
  // The URL is not quoted back here: a refused one may hold a password.
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    return fail("expected a PostgreSQL URL: postgresql://user@host:port/dbname");
  }
  if (redact_postgres_url(url) != url) {
    return fail("the URL must not contain a password: put the password in a file and give --password-file");
  }
  PostgresSettings settings;
  settings.url = url;
  if (!password_file.empty()) {
    auto password = read_password_file(password_file, "--password-file");
    if (!password) return fail(password.error().message);
    settings.password = std::move(*password);
  }
  auto copied = copy_catalog(sqlite_path, settings);
  if (!copied) {
    fail(copied.error().message);
    return copied.error().fault == Fault::Conflict ? kCopyTargetNotEmpty : 1;
  }
  std::size_t total = 0;
  for (const auto& table : copied->tables) total += table.rows;
  out << "copied " << sqlite_path << " (schema version " << copied->schema_version << ") to " << copied->target << ": "
      << total << " rows\n";
  for (const auto& table : copied->tables) out << "  " << table.name << ": " << table.rows << "\n";
  return 0;
}

}  // namespace snapmgr::core
