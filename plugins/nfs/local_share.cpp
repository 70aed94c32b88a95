#include "local_share.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace snapmgr::nfs {
namespace {

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

Error deadline_passed(const std::string& share, const std::string& what) {
  return Error::timeout("share '" + share + "': " + what + " did not finish before the call's deadline");
}

}  // namespace

class LocalShare::Directory {
 public:
  explicit Directory(Fd fd) : fd(std::move(fd)) {}
  Fd fd;
};

LocalShare::LocalShare(std::string name, std::string directory)
    : name_(std::move(name)), directory_(std::move(directory)) {}

Result<LocalShare::Directory> LocalShare::open_directory(const Call& call) const {
  if (call.expired()) return deadline_passed(name_, "opening the directory");
  Fd fd(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    Error e = share_error(name_, "opening directory " + directory_, errno);
    // A missing share is the backend's failure, not a missing object.
    return e.code() == ErrorCode::NotFound ? Error::backend(e.message()) : e;
  }
  return Directory(std::move(fd));
}

Status LocalShare::probe(const Call& call) {
  auto dir = open_directory(call);
  if (!dir) return dir.error();
  return Status::success();
}

Result<std::vector<ShareEntry>> LocalShare::list(const Call& call) {
  auto dir = open_directory(call);
  if (!dir) return dir.error();
  // fdopendir takes ownership of its descriptor, so give it a duplicate.
  int listing_fd = ::fcntl(dir->fd.get(), F_DUPFD_CLOEXEC, 0);
  if (listing_fd < 0) return share_error(name_, "listing the directory", errno);
  DIR* stream = ::fdopendir(listing_fd);
  if (!stream) {
    const int saved = errno;
    ::close(listing_fd);
    return share_error(name_, "listing the directory", saved);
  }
  std::vector<ShareEntry> entries;
  errno = 0;
  while (const dirent* e = ::readdir(stream)) {
    const std::string entry_name = e->d_name;
    if (entry_name == "." || entry_name == "..") continue;
    struct stat st {};
    if (::fstatat(dir->fd.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // vanished
    entries.push_back({entry_name, static_cast<std::uint64_t>(st.st_size), S_ISREG(st.st_mode)});
    errno = 0;
  }
  const int saved = errno;
  ::closedir(stream);
  if (saved != 0) return share_error(name_, "listing the directory", saved);
  return entries;
}

Result<ShareEntry> LocalShare::stat(const Call& call, const std::string& name) {
  auto dir = open_directory(call);
  if (!dir) return dir.error();
  struct stat st {};
  if (::fstatat(dir->fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return share_error(name_, "looking up '" + name + "'", errno);
  }
  return ShareEntry{name, static_cast<std::uint64_t>(st.st_size), S_ISREG(st.st_mode)};
}

Result<std::string> LocalShare::read(const Call& call, const std::string& name, std::uint64_t offset,
                                     std::size_t length) {
  auto dir = open_directory(call);
  if (!dir) return dir.error();
  Fd fd(::openat(dir->fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return share_error(name_, "opening '" + name + "'", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return share_error(name_, "reading '" + name + "'", errno);
  if (!S_ISREG(st.st_mode)) return share_error(name_, "reading '" + name + "'", EINVAL, "not a regular file");
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  const std::size_t available = offset < file_size ? static_cast<std::size_t>(file_size - offset) : 0;
  // One byte more than the file holds shows whether it grew meanwhile.
  length = std::min(length, available + 1);
  std::string data(length, '\0');
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd.get(), data.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return share_error(name_, "reading '" + name + "'", errno);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

Status LocalShare::replace(const Call& call, const std::string& name, const std::string& content) {
  auto dir = open_directory(call);
  if (!dir) return dir.error();
  const std::string temporary = temporary_name_for(name);
  Fd fd(::openat(dir->fd.get(), temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() < 0) return share_error(name_, "creating '" + temporary + "'", errno);
  const auto fail = [&](const std::string& what, int error_number) {
    ::unlinkat(dir->fd.get(), temporary.c_str(), 0);
    return Status(share_error(name_, what, error_number));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("writing '" + temporary + "'", errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("flushing '" + temporary + "'", errno);
  if (call.expired()) {
    ::unlinkat(dir->fd.get(), temporary.c_str(), 0);
    return deadline_passed(name_, "writing '" + name + "'");
  }
  if (::renameat(dir->fd.get(), temporary.c_str(), dir->fd.get(), name.c_str()) != 0) {
    return fail("renaming '" + temporary + "' to '" + name + "'", errno);
  }
  ::fsync(dir->fd.get());  // make the rename durable; a failure here does not undo it
  return Status::success();
}

}  // namespace snapmgr::nfs
