// The PostgreSQL catalog's notification connection: one libpq connection of its own (outside the
// pool, application_name `snapmgrd-listener`), LISTENing on a few channels, and the thread that
// waits on it. Internal to the PostgreSQL catalog, which turns notifications into generation
// bumps and job wake-ups.
//
// A notification is passed to `notified(channel, payload)`. When the connection breaks (PostgreSQL
// restarted, the session was terminated) the listener calls `missed()` — notifications sent from
// then on are lost — and connects again, every 100 ms at first and at most every 2 s, until it
// LISTENs again; then it calls `missed()` once more, as notifications sent while it was gone
// were never delivered. Both handlers run on the listener's thread and must return quickly.
//
// Lifetime: start() connects and LISTENs before it returns; the destructor stops the thread and
// joins it. The thread waits in poll() on the connection and on a pipe the destructor writes,
// so stopping takes no longer than a connection attempt under way (connect_timeout_s). The pool
// (used for the connection string and to scrub messages) must outlive the listener.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/catalog/postgres_pool.hpp"
#include "core/common/service_error.hpp"

namespace snapmgr::core {

class PostgresListener {
 public:
  struct Handlers {
    std::function<void(const std::string& channel, const std::string& payload)> notified;
    std::function<void()> missed;
  };

  // Unavailable ("catalog unavailable: cannot listen on <url>: ...") when the first connection
  // or its LISTEN fails.
  static ServiceResult<std::unique_ptr<PostgresListener>> start(const PostgresPool& pool,
                                                                std::vector<std::string> channels, Handlers handlers);
  ~PostgresListener();
  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

 private:
  struct Connection;
  PostgresListener(const PostgresPool& pool, std::vector<std::string> channels, Handlers handlers);
  // A connection LISTENing on every channel, or nullptr with `error` set.
  std::unique_ptr<Connection> connect(std::string& error) const;
  void run();
  // Waits for the connection's socket (-1: none) or the stop pipe, at most `timeout_ms`; false
  // once stopping.
  bool wait(int socket, int timeout_ms) const;
  // Reads what arrived and hands out the notifications; false when the connection broke.
  bool drain(Connection& connection);

  const PostgresPool& pool_;
  std::vector<std::string> channels_;
  Handlers handlers_;
  int stop_pipe_[2] = {-1, -1};
  std::unique_ptr<Connection> connection_;  // the thread's, once started
  std::thread thread_;
};

}  // namespace snapmgr::core
