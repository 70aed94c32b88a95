#include "adoption_ledger.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "iscsi_names.hpp"
#include "snapmgr/guard.hpp"

namespace snapmgr::iscsi {
namespace {

namespace json = boost::json;

std::string_view field(const json::object& entry, std::string_view key) {
  const json::value* v = entry.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

Result<json::array> load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return json::array{};
  std::ifstream in(path);
  if (!in) return Error::backend("cannot read the adoption ledger " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code parse_error;
  json::value root = json::parse(text.str(), parse_error);
  const json::object* object = parse_error ? nullptr : root.if_object();
  const json::value* adoptions = object ? object->if_contains("adoptions") : nullptr;
  if (!adoptions || !adoptions->is_array()) {
    return Error::backend("the adoption ledger " + path + " is not {\"format\": 1, \"adoptions\": [...]}" +
                          (parse_error ? " (" + parse_error.message() + ")" : "") + "; repair or remove it");
  }
  for (const auto& entry : adoptions->as_array()) {
    if (!entry.is_object() || field(entry.as_object(), "kind").empty() || field(entry.as_object(), "id").empty() ||
        field(entry.as_object(), "source-name").empty()) {
      return Error::backend("the adoption ledger " + path + " has an entry without kind, id or source-name: " +
                            json::serialize(entry) + "; repair or remove it");
    }
  }
  return adoptions->as_array();
}

Status store(const std::string& path, const json::array& adoptions) {
  const std::string text = json::serialize(json::object{{"format", 1}, {"adoptions", adoptions}}) + "\n";
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::backend("cannot write " + temporary + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string cause = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return Error::backend("cannot write " + temporary + ": " + cause);
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string cause = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Error::backend("cannot replace the adoption ledger " + path + ": " + cause);
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::success();
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

bool same_lun(const json::object& entry, const std::string& name, const std::string& designator) {
  const std::string_view recorded_id = field(entry, "source-id");
  if (!recorded_id.empty() && !designator.empty()) return recorded_id == designator;
  return same_iscsi_name(field(entry, "source-name"), name);
}

}  // namespace

AdoptionLedger::AdoptionLedger(std::string state_dir)
    : path_((std::filesystem::path(state_dir.empty() ? "." : state_dir) / kLedgerFile).string()) {}

Status AdoptionLedger::record(const std::string& kind, const LunAddress& address, const std::string& designator,
                              const std::string& id) {
  return guarded("adoption ledger " + path_, [&]() -> Status {
    std::lock_guard lock(mutex_);
    auto adoptions = load(path_);
    if (!adoptions) return adoptions.error();
    const std::string name = to_string(address);
    for (const auto& value : *adoptions) {
      const json::object& entry = value.as_object();
      if (!same_lun(entry, name, designator)) continue;
      if (field(entry, "kind") == kind && field(entry, "id") == id) return Status::success();
      return Error::already_managed("LUN " + name + " was already adopted as " + std::string(field(entry, "kind")) +
                                    " " + std::string(field(entry, "id")) + " at " +
                                    std::string(field(entry, "adopted_at")) + " (recorded in " + path_ + ")");
    }
    json::object entry{{"kind", kind}, {"id", id}, {"source-name", name}, {"adopted_at", now_utc()}};
    if (!designator.empty()) entry["source-id"] = designator;
    adoptions->push_back(std::move(entry));
    return store(path_, *adoptions);
  });
}

Result<bool> AdoptionLedger::forget(const std::string& kind, const std::string& id) {
  return guarded("adoption ledger " + path_, [&]() -> Result<bool> {
    std::lock_guard lock(mutex_);
    auto adoptions = load(path_);
    if (!adoptions) return adoptions.error();
    const std::size_t before = adoptions->size();
    json::array kept;
    for (const auto& value : *adoptions) {
      const json::object& entry = value.as_object();
      if (field(entry, "kind") != kind || field(entry, "id") != id) kept.push_back(value);
    }
    if (kept.size() == before) return false;
    if (auto st = store(path_, kept); !st) return st.error();
    return true;
  });
}

}  // namespace snapmgr::iscsi
