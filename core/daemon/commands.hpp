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

}  // namespace snapmgr::core
