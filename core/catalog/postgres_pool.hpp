// The PostgreSQL catalog's connections: at most `pool_size` libpqxx connections to one database,
// made lazily (the first by PostgresCatalog::open, the others when concurrent calls need them)
// and reused. Internal to the PostgreSQL catalog.
//
// A broken connection (PostgreSQL restarted, the session was terminated) is noticed when a
// statement fails on it; the caller then discard()s its lease, which also drops every idle
// connection made before — after a restart they are all dead — so the next acquire() makes a
// fresh one. Connecting is bounded by `connect_timeout_s` (libpq's connect_timeout), waiting for a
// free connection by `acquire_timeout`: no call waits on PostgreSQL without a bound.
//
// The password: given as a value (read from catalog.password_file by the factory), passed to
// libpq inside the connection string and never anywhere else; scrub() removes it from any text
// that came from libpq or libpqxx before that text reaches a message or a log line.
//
// Thread-safety: acquire() may be called concurrently; a Lease and its connection belong to one
// thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/common/service_error.hpp"

namespace snapmgr::core {

struct PostgresSettings {
  std::string url;       // postgresql://user@host:port/db[?...]; a password in it is not used in messages
  std::string password;  // empty: none (trust, peer, ~/.pgpass)
  int pool_size = 4;
  int connect_timeout_s = 5;
  std::chrono::milliseconds acquire_timeout{30000};
};

// A libpq message on one line ("...failed: Connection refused; Is the server running ...").
std::string one_line(const std::string& libpq_message);

// `url` without any password it may contain (user:password@, password=...).
std::string redact_postgres_url(const std::string& url);

class PostgresPool {
 public:
  explicit PostgresPool(PostgresSettings settings);
  ~PostgresPool();
  PostgresPool(const PostgresPool&) = delete;
  PostgresPool& operator=(const PostgresPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& connection();
    // The connection broke: close it and every idle one made before it.
    void discard();

   private:
    friend class PostgresPool;
    struct Slot;
    Lease(PostgresPool& pool, std::unique_ptr<Slot> slot);
    PostgresPool* pool_;
    std::unique_ptr<Slot> slot_;
  };

  // An idle connection, or a new one while fewer than pool_size exist. Unavailable ("catalog
  // unavailable: cannot connect to <url>: ...") when connecting fails or none is free in time.
  ServiceResult<Lease> acquire();

  // The libpq connection URI of the pool's connections (password included: for libpq only) with
  // `application_name` (a URI-safe word): for a connection of the catalog's own outside the pool.
  std::string connection_string(const std::string& application_name) const;
  // `text` with the password (as written and percent-encoded) replaced by "***".
  std::string scrub(std::string text) const;
  // The URL for messages (no password).
  const std::string& display_url() const { return display_url_; }
  int size() const { return settings_.pool_size; }

 private:
  void release(std::unique_ptr<Lease::Slot> slot, bool broken);

  PostgresSettings settings_;
  std::string conninfo_;  // holds the password
  std::string display_url_;
  std::string encoded_password_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Lease::Slot>> idle_;
  int open_ = 0;             // connections that exist or are being made (idle or leased)
  std::uint64_t epoch_ = 0;  // bumped by discard(); older connections are not reused
};

}  // namespace snapmgr::core
