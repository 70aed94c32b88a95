#include "core/catalog/postgres_pool.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/errorhandler>
#include <pqxx/except>

#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// RFC 3986 unreserved characters stay, everything else is %XX: the password travels as a URI
// query parameter, which libpq percent-decodes.
std::string percent_encode(const std::string& text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

// libpq's multi-line messages on one line: "...failed: Connection refused; Is the server running...".
std::string one_line(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' ' || text[i + 1] == '\n')) ++i;
    if (i + 1 < text.size()) out += "; ";
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string redact_postgres_url(const std::string& url) {
  std::string out = url;
  // user:password@ — the userinfo is what precedes the authority's last '@'.
  const auto scheme_end = out.find("://");
  const std::size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const std::size_t authority_end = std::min(out.find_first_of("/?#", authority), out.size());
  const auto at = out.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string::npos && at >= authority) {
    const auto colon = out.find(':', authority);
    if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // password=... among the query parameters.
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p == 0 || (out[p - 1] != '?' && out[p - 1] != '&')) continue;
    const std::size_t value = p + 9;
    const std::size_t value_end = std::min(out.find_first_of("&#", value), out.size());
    out.replace(value, value_end - value, "***");
  }
  return out;
}

// Server notices (and libpqxx's own warnings, e.g. a commit in doubt) go to the host log at
// debug level, scrubbed, instead of libpq's default of printing to stderr.
class NoticeLog final : public pqxx::errorhandler {
 public:
  NoticeLog(pqxx::connection_base& c, const PostgresPool& pool) : pqxx::errorhandler(c), pool_(pool) {}
  bool operator()(const char message[]) noexcept override {
    try {
      std::string text = pool_.scrub(message);
      while (!text.empty() && text.back() == '\n') text.pop_back();
      log().debug("catalog {}: {}", pool_.display_url(), text);
    } catch (...) {}
    return false;
  }

 private:
  const PostgresPool& pool_;
};

struct PostgresPool::Lease::Slot {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<NoticeLog> notices;  // destroyed before the connection it is registered with
  std::uint64_t epoch = 0;
  ~Slot() {
    notices.reset();
    connection.reset();
  }
};

PostgresPool::PostgresPool(PostgresSettings settings)
    : settings_(std::move(settings)),
      display_url_(redact_postgres_url(settings_.url)),
      encoded_password_(percent_encode(settings_.password)) {
  conninfo_ = connection_string("snapmgrd");
}

std::string PostgresPool::connection_string(const std::string& application_name) const {
  std::string out = settings_.url + (settings_.url.find('?') == std::string::npos ? "?" : "&");
  if (settings_.url.find("connect_timeout=") == std::string::npos) {
    out += "connect_timeout=" + std::to_string(settings_.connect_timeout_s) + "&";
  }
  out += "client_encoding=UTF8&application_name=" + application_name;
  if (!settings_.password.empty()) out += "&password=" + encoded_password_;
  return out;
}

PostgresPool::~PostgresPool() = default;

std::string PostgresPool::scrub(std::string text) const {
  replace_all(text, settings_.password, "***");
  replace_all(text, encoded_password_, "***");
  return text;
}

ServiceResult<PostgresPool::Lease> PostgresPool::acquire() {
  std::uint64_t epoch = 0;
  {
    std::unique_lock lock(mutex_);
    const bool free =
        freed_.wait_for(lock, settings_.acquire_timeout, [&] { return !idle_.empty() || open_ < settings_.pool_size; });
    if (!free) {
      return ServiceError{Fault::Unavailable, "catalog unavailable: all " + std::to_string(settings_.pool_size) +
                                                  " connections to " + display_url_ + " stayed busy for " +
                                                  std::to_string(settings_.acquire_timeout.count() / 1000) + " s"};
    }
    if (!idle_.empty()) {
      auto slot = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(slot));
    }
    ++open_;  // a place for the connection made below, outside the lock
    epoch = epoch_;
  }
  auto slot = std::make_unique<Lease::Slot>();
  slot->epoch = epoch;
  try {
    slot->connection = std::make_unique<pqxx::connection>(conninfo_);
    slot->notices = std::make_unique<NoticeLog>(*slot->connection, *this);
    return Lease(*this, std::move(slot));
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    freed_.notify_one();
    const std::string why = one_line(scrub(e.what()));
    return ServiceError{Fault::Unavailable, "catalog unavailable: cannot connect to " + display_url_ + ": " + why};
  }
}

void PostgresPool::release(std::unique_ptr<Lease::Slot> slot, bool broken) {
  std::vector<std::unique_ptr<Lease::Slot>> dropped;  // closed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      epoch_ = std::max(epoch_, slot->epoch + 1);
      for (auto& idle : idle_) dropped.push_back(std::move(idle));
      idle_.clear();
      open_ -= static_cast<int>(dropped.size()) + 1;
      dropped.push_back(std::move(slot));
    } else if (slot->epoch < epoch_ || !slot->connection->is_open()) {
      --open_;
      dropped.push_back(std::move(slot));
    } else {
      idle_.push_back(std::move(slot));
    }
  }
  freed_.notify_all();
}

PostgresPool::Lease::Lease(PostgresPool& pool, std::unique_ptr<Slot> slot) : pool_(&pool), slot_(std::move(slot)) {}

PostgresPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(std::move(other.slot_)) {}

PostgresPool::Lease::~Lease() {
  if (slot_) pool_->release(std::move(slot_), false);
}

pqxx::connection& PostgresPool::Lease::connection() { return *slot_->connection; }

void PostgresPool::Lease::discard() {
  if (slot_) pool_->release(std::move(slot_), true);
}

}  // namespace snapmgr::core
