#include "core/catalog/postgres_listener.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

constexpr int kFirstRetryMs = 100;
constexpr int kLastRetryMs = 2000;
// How often an idle connection's status is looked at; a dead peer shows as a readable socket
// (or through TCP keepalives), so this only bounds how long a silently broken one goes unseen.
constexpr int kIdleCheckMs = 5000;

// Server notices ("FATAL: terminating connection ...") go to the log at debug level, not stderr.
void log_notice(void* pool, const char* message) {
  const auto& p = *static_cast<const PostgresPool*>(pool);
  std::string text = p.scrub(message ? message : "");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  log().debug("catalog {}: {}", p.display_url(), text);
}

}  // namespace

struct PostgresListener::Connection {
  PGconn* conn = nullptr;
  ~Connection() {
    if (conn) PQfinish(conn);
  }
};

PostgresListener::PostgresListener(const PostgresPool& pool, std::vector<std::string> channels, Handlers handlers)
    : pool_(pool), channels_(std::move(channels)), handlers_(std::move(handlers)) {}

ServiceResult<std::unique_ptr<PostgresListener>> PostgresListener::start(const PostgresPool& pool,
                                                                         std::vector<std::string> channels,
                                                                         Handlers handlers) {
  std::unique_ptr<PostgresListener> listener(new PostgresListener(pool, std::move(channels), std::move(handlers)));
  if (::pipe2(listener->stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return ServiceError{Fault::Internal, "catalog: cannot create the listener's pipe: errno " + std::to_string(errno)};
  }
  std::string error;
  listener->connection_ = listener->connect(error);
  if (!listener->connection_) {
    return ServiceError{Fault::Unavailable,
                        "catalog unavailable: cannot listen on " + pool.display_url() + ": " + error};
  }
  PostgresListener* self = listener.get();
  listener->thread_ = std::thread([self] { self->run(); });
  return listener;
}

PostgresListener::~PostgresListener() {
  if (stop_pipe_[1] >= 0) {
    const char byte = 1;
    (void)!::write(stop_pipe_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  connection_.reset();
  for (int fd : stop_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

std::unique_ptr<PostgresListener::Connection> PostgresListener::connect(std::string& error) const {
  auto c = std::make_unique<Connection>();
  c->conn = PQconnectdb(pool_.connection_string("snapmgrd-listener").c_str());
  if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
    error = one_line(pool_.scrub(c->conn ? PQerrorMessage(c->conn) : "out of memory"));
    return nullptr;
  }
  PQsetNoticeProcessor(c->conn, log_notice, const_cast<PostgresPool*>(&pool_));
  for (const auto& channel : channels_) {
    PGresult* r = PQexec(c->conn, ("LISTEN " + channel).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      error = one_line(pool_.scrub(PQerrorMessage(c->conn)));
      return nullptr;
    }
  }
  return c;
}

bool PostgresListener::wait(int socket, int timeout_ms) const {
  pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {socket, POLLIN, 0}};
  const int n = ::poll(fds, socket >= 0 ? 2 : 1, timeout_ms);
  return !(n > 0 && (fds[0].revents & POLLIN));
}

bool PostgresListener::drain(Connection& c) {
  if (PQconsumeInput(c.conn) == 0 || PQstatus(c.conn) != CONNECTION_OK) return false;
  while (PGnotify* n = PQnotifies(c.conn)) {
    const std::string channel = n->relname ? n->relname : "";
    const std::string payload = n->extra ? n->extra : "";
    PQfreemem(n);
    handlers_.notified(channel, payload);
  }
  return true;
}

void PostgresListener::run() {
  int retry_ms = kFirstRetryMs;
  bool logged_failure = false;
  while (true) {
    if (!connection_) {
      std::string error;
      connection_ = connect(error);
      if (!connection_) {
        if (!logged_failure) log().warn("catalog {}: cannot listen for notifications: {}", pool_.display_url(), error);
        logged_failure = true;
        if (!wait(-1, retry_ms)) return;
        retry_ms = std::min(retry_ms * 2, kLastRetryMs);
        continue;
      }
      log().info("catalog {}: listening for notifications again", pool_.display_url());
      logged_failure = false;
      retry_ms = kFirstRetryMs;
      handlers_.missed();
    }
    if (!wait(PQsocket(connection_->conn), kIdleCheckMs)) return;
    if (!drain(*connection_)) {
      log().warn("catalog {}: the notification connection broke: {}", pool_.display_url(),
                 one_line(pool_.scrub(PQerrorMessage(connection_->conn))));
      connection_.reset();
      handlers_.missed();
    }
  }
}

}  // namespace snapmgr::core
