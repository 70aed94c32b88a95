#include "core/catalog/catalog_factory.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/catalog/postgres_catalog.hpp"
#include "core/catalog/postgres_migrations.hpp"
#include "core/catalog/sqlite_catalog.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

std::string sqlite_path(const HostConfig& config) {
  return (std::filesystem::path(config.state_dir) / "catalog.sqlite").string();
}

// The server answered and refused (authentication, no such database, pg_hba): waiting will not
// help. libpq reports the server's refusal as "... failed: FATAL:  ..."; a server starting up
// or shutting down refuses too, but only for a moment.
bool refused_by_server(const std::string& message) {
  return message.find("FATAL:") != std::string::npos && message.find("starting up") == std::string::npos &&
         message.find("shutting down") == std::string::npos;
}

}  // namespace

ServiceResult<std::string> read_password_file(const std::string& path, const std::string& setting) {
  std::ifstream in(path);
  if (!in) return ServiceError{Fault::Internal, setting + ": cannot read '" + path + "': " + std::strerror(errno)};
  std::string password;
  std::getline(in, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) password.pop_back();
  if (password.empty()) {
    return ServiceError{Fault::Internal, setting + ": '" + path + "' is empty (its first line is the password)"};
  }
  return password;
}

ServiceResult<PostgresSettings> postgres_settings(const CatalogConfig& catalog) {
  PostgresSettings settings;
  settings.url = catalog.url;
  settings.pool_size = catalog.pool_size;
  if (!catalog.password_file.empty()) {
    auto password = read_password_file(catalog.password_file, "catalog.password_file");
    if (!password) return password.error();
    settings.password = std::move(*password);
  }
  return settings;
}

ServiceResult<std::unique_ptr<Catalog>> open_catalog(const HostConfig& config, std::chrono::seconds startup_wait) {
  if (!config.catalog) {
    const std::string path = sqlite_path(config);
    auto catalog = SqliteCatalog::open(path);
    if (!catalog) return catalog.error();
    log().info("catalog {} open", path);
    return std::unique_ptr<Catalog>(std::move(*catalog));
  }
  auto settings = postgres_settings(*config.catalog);
  if (!settings) return settings.error();
  const auto deadline = std::chrono::steady_clock::now() + startup_wait;
  while (true) {
    auto catalog = PostgresCatalog::open(*settings);
    if (catalog) {
      log().info("catalog {} open ({} connections at most)", (*catalog)->display_url(), settings->pool_size);
      return std::unique_ptr<Catalog>(std::move(*catalog));
    }
    const auto& error = catalog.error();
    if (error.fault != Fault::Unavailable || refused_by_server(error.message) ||
        std::chrono::steady_clock::now() + std::chrono::seconds(1) > deadline) {
      return error;
    }
    log().warn("{}; trying again for up to {} s", error.message, startup_wait.count());
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

ServiceResult<std::string> probe_catalog(const HostConfig& config) {
  if (!config.catalog) return "SQLite " + sqlite_path(config);
  auto settings = postgres_settings(*config.catalog);
  if (!settings) return settings.error();
  settings->pool_size = 1;
  PostgresPool pool(*settings);
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  try {
    const int version = postgres_schema_version(lease->connection());
    std::string state = version == 0 ? "empty (created at start-up)" : "schema version " + std::to_string(version);
    state += " (this snapmgrd: " + std::to_string(latest_postgres_schema_version()) + ")";
    if (version > latest_postgres_schema_version()) {
      return ServiceError{Fault::Internal, "the catalog " + pool.display_url() + " has schema version " +
                                               std::to_string(version) + ", newer than this snapmgrd knows (" +
                                               std::to_string(latest_postgres_schema_version()) + ")"};
    }
    return "PostgreSQL " + pool.display_url() + ": reachable, " + state;
  } catch (const std::exception& e) {
    lease->discard();
    return ServiceError{Fault::Unavailable, "catalog unavailable: " + pool.display_url() + ": " + pool.scrub(e.what())};
  }
}

}  // namespace snapmgr::core
