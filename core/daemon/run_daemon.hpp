// `snapmgrd -c <file>`: runs the service in the foreground until SIGTERM or SIGINT.
//
// Start-up: configuration and plugins (startup.hpp), the auth strategy and policy file (a bad
// tokens or policy file stops the start with a message naming file and line), the catalog and
// manage service (core/adoption/manage_service_factory.hpp; a PostgreSQL catalog that stays
// unreachable for 10 s, or refuses the login, stops the start: core/catalog/catalog_factory.hpp),
// then the REST API server (core/api/http_server.hpp). The bound
// port — useful with `listen: 127.0.0.1:0` — is logged and written to `<state_dir>/snapmgrd.port`.
// Shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then destroy the
// service (which drains the adoption workers and closes the catalog) and remove the port file.
#pragma once

#include <string>

namespace snapmgr::core {

// Returns the process exit code: 0 after a clean shutdown, 1 when the configuration is
// invalid or the service cannot start.
int run_daemon(const std::string& config_path);

// `<state_dir>/snapmgrd.port`.
std::string port_file_path(const std::string& state_dir);

}  // namespace snapmgr::core
