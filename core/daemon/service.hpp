// `snapmgrd -c <file>`: runs the service in the foreground until SIGTERM or SIGINT.
#pragma once

#include <string>

namespace snapmgr::core {

// Returns the process exit code: 0 after a clean shutdown, 1 when the configuration is
// invalid or the service cannot start.
int run_service(const std::string& config_path);

}  // namespace snapmgr::core
