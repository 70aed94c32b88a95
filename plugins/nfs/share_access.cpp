#include "share_access.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace snapmgr::nfs {

Error share_error(const std::string& share, const std::string& what, int error_number, const std::string& detail) {
  std::string message = "share '" + share + "': " + what + " failed: ";
  switch (error_number) {
    case EACCES:
    case EPERM: message += "permission denied"; break;
    case EROFS: message += "permission denied (read-only file system)"; break;
    default: message += std::strerror(error_number);
  }
  if (!detail.empty()) message += " (" + detail + ")";
  if (error_number == ENOENT || error_number == ESTALE) return Error::not_found(message);
  if (error_number == ETIMEDOUT) return Error::timeout(message);
  return Error::backend(message);
}

std::vector<Result<std::string>> ShareAccess::read_many(const Call& call, const std::vector<ReadRequest>& requests) {
  std::vector<Result<std::string>> results;
  results.reserve(requests.size());
  for (const auto& r : requests) {
    if (!results.empty() && !results.back().ok() && results.back().error().code() == ErrorCode::Timeout) {
      results.push_back(results.back().error());
    } else {
      results.push_back(read(call, r.name, r.offset, r.length));
    }
  }
  return results;
}

std::string temporary_name_for(const std::string& name) {
  static std::atomic<unsigned> counter{0};
  return "." + name + ".snapmgr-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace snapmgr::nfs
