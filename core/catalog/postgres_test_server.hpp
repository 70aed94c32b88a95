// Test fixture: a throwaway PostgreSQL 15 server. start() runs initdb into
// a fresh /tmp/snapmgr-pg-XXXXXX, then `postgres` on a free 127.0.0.1 port with its socket in that
// directory, waits until it accepts connections, and creates the login role kRole (password
// kPassword, SCRAM over TCP) that tests connect as. PostgreSQL refuses to run as root: as root,
// initdb and postgres run as the `postgres` user (else `nobody`) and the directory is theirs.
//
// The server is the fixture's child, stopped by PID (SIGINT: fast shutdown; SIGKILL after 30 s)
// by stop() or the destructor, and sent SIGQUIT should the test process die first
// (PR_SET_PDEATHSIG). The destructor removes the directory. Used by core/catalog's tests and
// tests/e2e; not part of snapmgrd.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace snapmgr::core::testing {

class PostgresTestServer {
 public:
  static constexpr const char* kRole = "snapmgr";
  static constexpr const char* kPassword = "Pa55-w0rd:with@odd&chars%";

  // nullptr with `error` set when the server does not come up.
  static std::unique_ptr<PostgresTestServer> start(std::string& error);
  ~PostgresTestServer();
  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;

  // Fast shutdown; returns once the postmaster has exited. Sessions are terminated.
  void stop();
  // Starts it again on the same port and data; false (with `error`) when it does not come up.
  bool restart(std::string& error);
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // postgresql://snapmgr@127.0.0.1:<port>/<database> (no password: tests pass it separately).
  std::string url(const std::string& database) const;

  // Creates a database owned by kRole.
  void create_database(const std::string& name);
  // Runs `sql` as the superuser over the socket in `database`; each row's fields. Throws on error.
  std::vector<std::vector<std::string>> query(const std::string& database, const std::string& sql);

 private:
  PostgresTestServer() = default;
  bool launch(std::string& error);

  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  uid_t uid_ = 0;  // the server's user (0: ours)
  gid_t gid_ = 0;
};

// One server for a whole test executable: `register_shared_postgres()` (once, at namespace
// scope) adds the GoogleTest environment that starts it before the first test and stops it after
// the last; `shared_postgres()` is that server (throws std::runtime_error when it is not running).
::testing::Environment* register_shared_postgres();
PostgresTestServer& shared_postgres();

}  // namespace snapmgr::core::testing
