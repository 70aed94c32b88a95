// PostgresCatalog::run — one catalog call against the pool, with the failure handling the
// header describes (a broken connection: once more on a fresh one unless a COMMIT was in doubt;
// unreachable: Unavailable; anything else: Internal). Internal to the PostgreSQL catalog; shared
// by postgres_catalog.cpp and postgres_catalog_metadata.cpp.
#pragma once

#include <mutex>

#include <pqxx/except>

#include "core/catalog/postgres_catalog.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {

namespace postgres_call {

// The statement failed because the session is gone (the connection class 08, the server shutting
// down or terminating the session 57P01..57P03), rather than because of the statement.
inline bool lost_connection(const pqxx::sql_error& e, pqxx::connection& connection) {
  const std::string state = e.sqlstate();
  return !connection.is_open() || state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0;
}

// A transaction PostgreSQL rolled back for a concurrency reason; running it again is safe.
inline bool rolled_back(const pqxx::sql_error& e) { return e.sqlstate() == "40001" || e.sqlstate() == "40P01"; }

inline std::string trimmed(const std::string& text) { return one_line(text); }

// Commits `tx`; a connection lost during the COMMIT is in_doubt_error whichever way libpqxx
// reported it, so that run() never retries a write that may have been applied.
template <class Transaction>
void commit(Transaction& tx, pqxx::connection& connection) {
  try {
    tx.commit();
  } catch (const pqxx::in_doubt_error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw pqxx::in_doubt_error(e.what());
  } catch (const pqxx::sql_error& e) {
    if (lost_connection(e, connection)) throw pqxx::in_doubt_error(e.what());
    throw;
  }
}

}  // namespace postgres_call

// Makes the generation odd from before a commit until it returned, even otherwise. Writes
// overlap here, so the generation turns odd when the first open window opens and even when
// the last one closes (see Catalog::generation()).
class PostgresCatalog::WriteWindow {
 public:
  explicit WriteWindow(PostgresCatalog& c) : c_(c) {
    std::lock_guard lock(c_.window_mutex_);
    if (c_.writing_++ == 0) ++c_.generation_;
  }
  ~WriteWindow() {
    std::lock_guard lock(c_.window_mutex_);
    if (--c_.writing_ == 0) ++c_.generation_;
  }
  WriteWindow(const WriteWindow&) = delete;
  WriteWindow& operator=(const WriteWindow&) = delete;

 private:
  PostgresCatalog& c_;
};

template <class T, class Body>
ServiceResult<T> PostgresCatalog::run(const std::string& what, Body&& body) {
  namespace pc = postgres_call;
  try {
    for (int attempt = 1;; ++attempt) {
      auto lease = pool_.acquire();
      if (!lease) return lease.error();
      std::string lost;
      try {
        return body(lease->connection());
      } catch (const pqxx::in_doubt_error&) {
        lease->discard();
        return ServiceError{Fault::Unavailable, "catalog unavailable: the connection to " + display_url() +
                                                    " broke while committing (" + what +
                                                    "); the change may or may not have been applied"};
      } catch (const pqxx::broken_connection& e) {
        lost = e.what();
      } catch (const pqxx::sql_error& e) {
        if (!pc::lost_connection(e, lease->connection())) {
          if (pc::rolled_back(e) && attempt == 1) continue;
          return ServiceError{Fault::Internal, "catalog: " + what + " failed: " + pool_.scrub(pc::trimmed(e.what()))};
        }
        lost = e.what();
      }
      lease->discard();
      lost = pool_.scrub(pc::trimmed(lost));
      if (attempt > 1) {
        return ServiceError{Fault::Unavailable, "catalog unavailable: lost the connection to " + display_url() + " (" +
                                                    what + "): " + lost};
      }
      log().info("catalog {}: the connection broke ({}); {} on a new connection", display_url(), lost, what);
    }
  } catch (const std::exception& e) {
    return ServiceError{Fault::Internal, "catalog: " + what + " failed: " + pool_.scrub(pc::trimmed(e.what()))};
  }
}

}  // namespace snapmgr::core
