#include "libnfs_share.hpp"
#include "libnfs_status.hpp"

// libnfs's header uses struct timeval without including it ("field 'atime' has incomplete type").
#include <nfsc/libnfs.h>
#include <sys/time.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <vector>

namespace snapmgr::nfs {

bool is_timeout(int status, const char* text) {
  return status == -ETIMEDOUT || status == -EINTR ||
         (text && (std::string_view(text).find("timed out") != std::string_view::npos ||
                   std::string_view(text).find("Timed out") != std::string_view::npos));
}

// File-level errors leave the connection usable.
bool is_file_error(int status) {
  switch (-status) {
    case ENOENT:
    case ESTALE:
    case EACCES:
    case EPERM:
    case EROFS:
    case EEXIST:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case EINVAL:
    case ENOSPC:
    case EDQUOT:
    case ELOOP:
    case EFBIG: return true;
    default: return false;
  }
}

std::string path_of(const std::string& name) { return "/" + name; }

LibnfsShare::LibnfsShare(std::string name, NfsEndpoint endpoint, std::chrono::seconds command_timeout)
    : name_(std::move(name)), endpoint_(std::move(endpoint)), command_timeout_(command_timeout) {}

LibnfsShare::~LibnfsShare() { disconnect(); }

void LibnfsShare::disconnect() noexcept {
  if (nfs_) nfs_destroy_context(nfs_);
  nfs_ = nullptr;
  for (nfs_context* lane : extra_lanes_) nfs_destroy_context(lane);
  extra_lanes_.clear();
}

Error LibnfsShare::error_for(const std::string& what, int status, const std::string& detail) const {
  if (is_timeout(status, detail.c_str())) {
    return Error::timeout("share '" + name_ + "': " + what + " timed out (no answer from NFS server " +
                          endpoint_.server + ")");
  }
  return share_error(name_, what, -status, detail);
}

Error LibnfsShare::failure(const std::string& what, int status, bool keep_connection) {
  const char* text = nfs_ ? nfs_get_error(nfs_) : nullptr;
  Error e = error_for(what, status, text ? text : "");
  if (!keep_connection && !is_file_error(status)) disconnect();
  return e;
}

int LibnfsShare::timeout_ms(const Call& call) const {
  // Whole seconds, at least one: libnfs's granularity.
  const auto limit = std::min<std::chrono::milliseconds>(command_timeout_, call.remaining());
  return static_cast<int>((std::max<long long>(limit.count(), 1) + 999) / 1000 * 1000);
}

Error LibnfsShare::root_failure(const std::string& what, int status) {
  Error e = failure(what, status);
  // A stale export root (the server restarted with other handles) needs a new mount.
  if (status == -ESTALE) disconnect();
  return e.code() == ErrorCode::NotFound ? Error::backend(e.message()) : e;
}

namespace {

// libnfs stays loaded once this driver has used it, even after the host unloads the plugin:
// libnfs keeps heap state after its last context is destroyed (the NFSv4 client names it
// leaks, tests/lsan.supp), which unloading it would leave pointing nowhere — and LeakSanitizer
// could then no longer name libnfs's frames to match that suppression.
void keep_libnfs_loaded() {
  static const bool pinned = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&nfs_init_context), &info) == 0 || !info.dli_fname) return false;
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
}

}  // namespace

Result<nfs_context*> LibnfsShare::connect(const Call& call) const {
  keep_libnfs_loaded();
  nfs_context* nfs = nfs_init_context();
  if (!nfs) return Error::backend("share '" + name_ + "': cannot create an NFS client context");
  std::unique_ptr<nfs_context, void (*)(nfs_context*)> owned(nfs, nfs_destroy_context);
  std::string url =
      "nfs://" + endpoint_.server + endpoint_.export_path + "?version=" + std::to_string(endpoint_.version);
  if (endpoint_.port) url += "&nfsport=" + std::to_string(*endpoint_.port);
  std::unique_ptr<nfs_url, void (*)(nfs_url*)> parsed(nfs_parse_url_dir(nfs, url.c_str()), nfs_destroy_url);
  if (!parsed)
    return Error::backend("share '" + name_ + "': libnfs rejected the URL " + url + ": " + nfs_get_error(nfs));
  // Each connection is its own NFSv4 client (and open-owner), so connections never share a
  // sequence of OPEN/CLOSE requests.
  static std::atomic<unsigned> clients{0};
  const std::string client_name = "snapmgr-" + std::to_string(::getpid()) + "-" + std::to_string(clients++);
  nfs4_set_client_name(nfs, client_name.c_str());
  nfs_set_version(nfs, endpoint_.version);  // NFS_V3 = 3, NFS_V4 = 4
  nfs_set_dircache(nfs, 0);
  nfs_set_autoreconnect(nfs, 0);
  nfs_set_timeout(nfs, timeout_ms(call));
  const int status = nfs_mount(nfs, parsed->server, parsed->path);
  if (status != 0) {
    std::string what = "mounting export " + endpoint_.export_path + " from " + endpoint_.server;
    if (endpoint_.port) what += " port " + std::to_string(*endpoint_.port);
    if (status == -ENOENT)
      what += " (the export does not exist)";
    else if (status == -EIO)
      what += " (is the NFS server running and reachable?)";
    Error e = error_for(what, status, nfs_get_error(nfs));
    return e.code() == ErrorCode::NotFound ? Error::backend(e.message()) : e;
  }
  return owned.release();
}

Result<nfs_context*> LibnfsShare::context(const Call& call) {
  if (call.remaining().count() <= 0) {
    return Error::timeout("share '" + name_ + "': the call's deadline passed before the NFS request was sent");
  }
  if (!nfs_) {
    auto connected = connect(call);
    if (!connected) return connected.error();
    nfs_ = *connected;
  }
  nfs_set_timeout(nfs_, timeout_ms(call));
  return nfs_;
}

Result<std::vector<nfs_context*>> LibnfsShare::lanes(const Call& call, std::size_t wanted) {
  auto main = context(call);
  if (!main) return main.error();
  while (extra_lanes_.size() + 1 < wanted) {
    auto connected = connect(call);
    if (!connected) break;  // fewer lanes, slower but still correct
    extra_lanes_.push_back(*connected);
  }
  std::vector<nfs_context*> all{*main};
  for (nfs_context* lane : extra_lanes_) {
    nfs_set_timeout(lane, timeout_ms(call));
    all.push_back(lane);
  }
  return all;
}

Status LibnfsShare::probe(const Call& call) {
  auto nfs = context(call);
  if (!nfs) return nfs.error();
  nfs_stat_64 st{};
  if (const int status = nfs_stat64(*nfs, "/", &st); status != 0) {
    return root_failure("looking up the export's directory", status);
  }
  return Status::success();
}

Result<std::vector<ShareEntry>> LibnfsShare::list(const Call& call) {
  auto nfs = context(call);
  if (!nfs) return nfs.error();
  nfsdir* dir = nullptr;
  if (const int status = nfs_opendir(*nfs, "/", &dir); status != 0) {
    return root_failure("listing the export's directory", status);
  }
  std::vector<ShareEntry> entries;
  while (const nfsdirent* e = nfs_readdir(*nfs, dir)) {
    const std::string entry_name = e->name;
    if (entry_name == "." || entry_name == "..") continue;
    entries.push_back({entry_name, e->size, S_ISREG(e->mode)});
  }
  nfs_closedir(*nfs, dir);
  return entries;
}

Result<ShareEntry> LibnfsShare::stat(const Call& call, const std::string& name) {
  auto nfs = context(call);
  if (!nfs) return nfs.error();
  nfs_stat_64 st{};
  if (const int status = nfs_lstat64(*nfs, path_of(name).c_str(), &st); status != 0) {
    return failure("looking up '" + name + "'", status);
  }
  return ShareEntry{name, st.nfs_size, S_ISREG(static_cast<mode_t>(st.nfs_mode))};
}

Result<std::string> LibnfsShare::read(const Call& call, const std::string& name, std::uint64_t offset,
                                      std::size_t length) {
  auto nfs = context(call);
  if (!nfs) return nfs.error();
  nfsfh* fh = nullptr;
  if (const int status = nfs_open(*nfs, path_of(name).c_str(), O_RDONLY | O_NOFOLLOW, &fh); status != 0) {
    return failure("opening '" + name + "'", status);
  }
  // Read in chunks: callers ask for "up to" a large length (an info file's limit).
  std::string data;
  std::vector<char> chunk(std::min<std::size_t>(length, 64 * 1024));
  int status = 0;
  while (data.size() < length) {
    const std::size_t want = std::min(length - data.size(), chunk.size());
    const int n = nfs_pread(*nfs, fh, offset + data.size(), want, chunk.data());
    if (n <= 0) {
      status = n;
      break;
    }
    data.append(chunk.data(), static_cast<std::size_t>(n));
  }
  if (status < 0) {
    Error e = failure("reading '" + name + "'", status, /*keep_connection=*/true);
    close_handle(fh, status);
    return e;
  }
  close_handle(fh, 0);
  return data;
}

Status LibnfsShare::replace(const Call& call, const std::string& name, const std::string& content) {
  auto nfs = context(call);
  if (!nfs) return nfs.error();
  const std::string temporary = temporary_name_for(name);
  nfsfh* fh = nullptr;
  if (const int status = nfs_create(*nfs, path_of(temporary).c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644, &fh);
      status != 0) {
    return failure("creating '" + temporary + "'", status);
  }
  std::string what;
  int status = 0;
  for (std::size_t done = 0; done < content.size() && status == 0;) {
    const int n = nfs_pwrite(*nfs, fh, done, content.size() - done, content.data() + done);
    if (n <= 0) {
      what = "writing '" + temporary + "'";
      status = n < 0 ? n : -EIO;
    } else {
      done += static_cast<std::size_t>(n);
    }
  }
  if (status == 0 && (status = nfs_fsync(*nfs, fh)) != 0) what = "flushing '" + temporary + "'";
  if (status == 0) {
    status = nfs_close(*nfs, fh);
    fh = nullptr;
    if (status != 0) what = "closing '" + temporary + "'";
  }
  if (status == 0 && (status = nfs_rename(*nfs, path_of(temporary).c_str(), path_of(name).c_str())) != 0) {
    what = "renaming '" + temporary + "' to '" + name + "'";
  }
  if (status == 0) return Status::success();
  Error e = failure(what, status, /*keep_connection=*/true);
  if (fh) close_handle(fh, status);
  if (nfs_ && is_file_error(status)) nfs_unlink(nfs_, path_of(temporary).c_str());
  if (!is_file_error(status)) disconnect();
  return e;
}

void LibnfsShare::close_handle(nfsfh* fh, int status) noexcept {
  // A handle is only freed by nfs_close, which talks to the server (NFSv4 CLOSE): after a
  // transport error give it one second, then drop the connection.
  if (status != 0 && !is_file_error(status)) nfs_set_timeout(nfs_, 1000);
  nfs_close(nfs_, fh);
  if (status != 0 && !is_file_error(status)) disconnect();
}

}  // namespace snapmgr::nfs
