#include "core/catalog/postgres_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <libpq-fe.h>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/row>

namespace snapmgr::core::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// fork + exec `argv` as uid/gid (when non-zero), output to `log`; returns the child's PID.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log, uid_t uid, gid_t gid, bool die_with_us) {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (uid != 0) {
    if (::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
  }
  if (die_with_us) {
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);  // after setuid, which clears it
    if (::getppid() != parent) ::_exit(127);
  }
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
  }
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::unique_ptr<PostgresTestServer> PostgresTestServer::start(std::string& error) {
  std::unique_ptr<PostgresTestServer> server(new PostgresTestServer());
  char tmpl[] = "/tmp/snapmgr-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    error = "mkdtemp failed";
    return nullptr;
  }
  server->dir_ = tmpl;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) pw = ::getpwnam("nobody");
    if (!pw) {
      error = "running as root and there is neither a postgres nor a nobody user to run PostgreSQL as";
      return nullptr;
    }
    server->uid_ = pw->pw_uid;
    server->gid_ = pw->pw_gid;
    if (::chown(server->dir_.c_str(), server->uid_, server->gid_) != 0) {
      error = "cannot chown " + server->dir_;
      return nullptr;
    }
  }
  const std::string log = server->dir_ + "/initdb.log";
  const int code = wait_for(spawn({std::string(kBin) + "/initdb", "-D", server->dir_ + "/data", "-U", "postgres", "-A",
                                   "trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N"},
                                  log, server->uid_, server->gid_, false));
  if (code != 0) {
    error = "initdb exited with " + std::to_string(code) + " (see " + log + ")";
    return nullptr;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = free_loopback_port();
    if (server->launch(error)) break;
  }
  if (!server->running()) return nullptr;
  try {
    server->query("postgres", std::string("CREATE ROLE ") + kRole + " LOGIN PASSWORD '" + kPassword + "'");
  } catch (const std::exception& e) {
    error = std::string("creating the role failed: ") + e.what();
    return nullptr;
  }
  return server;
}

bool PostgresTestServer::launch(std::string& error) {
  pid_ = spawn({std::string(kBin) + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_, "-c",
                "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                "full_page_writes=off", "-c", "max_connections=100"},
               dir_ + "/server.log", uid_, gid_, true);
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(ping.c_str()) == PQPING_OK) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error = "postgres exited during start-up (see " + dir_ + "/server.log)";
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  error = "postgres did not accept connections within 30 s (see " + dir_ + "/server.log)";
  ::kill(pid_, SIGKILL);
  wait_for(pid_);
  pid_ = -1;
  return false;
}

void PostgresTestServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: sessions are terminated, then the postmaster exits
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      wait_for(pid_);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

bool PostgresTestServer::restart(std::string& error) {
  stop();
  return launch(error);
}

std::string PostgresTestServer::url(const std::string& database) const {
  return std::string("postgresql://") + kRole + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresTestServer::create_database(const std::string& name) {
  query("postgres", "CREATE DATABASE " + name + " OWNER " + kRole);
}

std::vector<std::vector<std::string>> PostgresTestServer::query(const std::string& database, const std::string& sql) {
  pqxx::connection c("host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=" + database);
  pqxx::nontransaction tx(c);
  std::vector<std::vector<std::string>> out;
  for (const auto& row : tx.exec(sql)) {
    std::vector<std::string> fields;
    for (const auto& f : row) fields.push_back(f.is_null() ? "NULL" : f.as<std::string>());
    out.push_back(std::move(fields));
  }
  return out;
}

PostgresTestServer::~PostgresTestServer() {
  stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

namespace {

std::unique_ptr<PostgresTestServer> g_shared;

class SharedPostgres : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string error;
    g_shared = PostgresTestServer::start(error);
    ASSERT_TRUE(g_shared) << "PostgreSQL did not start: " << error;
  }
  void TearDown() override { g_shared.reset(); }
};

}  // namespace

::testing::Environment* register_shared_postgres() { return ::testing::AddGlobalTestEnvironment(new SharedPostgres); }

PostgresTestServer& shared_postgres() {
  if (!g_shared) throw std::runtime_error("the test PostgreSQL server is not running");
  return *g_shared;
}

}  // namespace snapmgr::core::testing
