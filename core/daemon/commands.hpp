// snapmgrd's one-shot commands. Each prints to the given streams and returns the exit code.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace snapmgr::core {

// Loads config and plugins; prints each backend with driver, version, capabilities and state.
// Also probes the catalog (a PostgreSQL one: connects once, reads its schema version; creates
// nothing). 0 when the config is valid, every enabled backend is up and the catalog usable, 1
// otherwise (with the errors).
int check_config(const std::string& config_path, std::ostream& out, std::ostream& err);

// Prints the support matrix (driver, version, vendor, capabilities) of the plugins found in
// `plugin_dirs`, as a Markdown table; refused plugins are listed on `err`. 0 when at least one
// driver loaded and none was refused.
int list_drivers(const std::vector<std::string>& plugin_dirs, std::ostream& out, std::ostream& err);

// `--copy-catalog <sqlite file> <postgresql url> [--password-file <file>]`: copies a single
// node's SQLite catalog into an empty PostgreSQL database (core/catalog/catalog_copy.hpp) and
// prints the rows copied per table. The password, if any, is the first line of `password_file`
// (as catalog.password_file); the URL must not contain one. Exit codes: 0 copied, 3 the database
// is not empty (nothing changed), 1 any other failure (one line on `err`, nothing copied).
inline constexpr int kCopyTargetNotEmpty = 3;
int copy_catalog_to_postgres(const std::string& sqlite_path, const std::string& url, const std::string& password_file,
                             std::ostream& out, std::ostream& err);

}  // namespace snapmgr::core
