// Which catalog a host uses, from its configuration: without a `catalog` key the SQLite catalog
// `<state_dir>/catalog.sqlite`; with `catalog: {url, password_file, pool_size}` the PostgreSQL
// one (postgres_catalog.hpp), its password read from password_file here and nowhere else.
//
// Start-up against PostgreSQL: an unreachable server (connection refused, timed out, the server
// still starting or shutting down) is tried again every second for up to `startup_wait` — a
// host and its database are often started together — then reported. A server that answers
// and refuses (wrong password, no such role or database, pg_hba) is reported at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/catalog/postgres_pool.hpp"
#include "core/config/host_config.hpp"

namespace snapmgr::core {

inline constexpr std::chrono::seconds kCatalogStartupWait{10};

// The password in the file at `path`: its first line, without a trailing CR or spaces. Internal
// error naming `setting` (the option that gave the path) and the file when it cannot be read or
// is empty. Shared by the catalog settings and `--copy-catalog --password-file`.
ServiceResult<std::string> read_password_file(const std::string& path, const std::string& setting);

// The PostgreSQL settings of `catalog`, with the password read from its password_file
// (first line; Internal error naming the file when it cannot be read or is empty).
ServiceResult<PostgresSettings> postgres_settings(const CatalogConfig& catalog);

// Opens (creating and migrating as needed) the catalog `config` names. Unavailable when
// PostgreSQL stayed unreachable for `startup_wait` or refused the login.
ServiceResult<std::unique_ptr<Catalog>> open_catalog(const HostConfig& config,
                                                     std::chrono::seconds startup_wait = kCatalogStartupWait);

// For --check-config: one line about the catalog ("SQLite var/catalog.sqlite", "PostgreSQL
// postgresql://...: reachable, schema version 3 (this snapmgrd: 3)"), or why it is not usable
// (one connection attempt, no retry; nothing is created or migrated).
ServiceResult<std::string> probe_catalog(const HostConfig& config);

}  // namespace snapmgr::core
