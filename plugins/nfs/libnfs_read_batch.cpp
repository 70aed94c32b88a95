// LibnfsShare::read_many: open → pread → close sequences on several connections at once
// ("lanes", one sequence per lane at a time), driven by libnfs's asynchronous interface from
// one poll loop (libnfs_share.hpp says why one sequence per connection).
#include <nfsc/libnfs.h>
#include <sys/time.h>  // before libnfs.h, see libnfs_share.cpp

#include <fcntl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "libnfs_share.hpp"
#include "libnfs_status.hpp"

namespace snapmgr::nfs {

// The state of one read_many call. libnfs calls back into it from nfs_service (and, when the
// connections are torn down early, from nfs_destroy_context), always on this thread.
class LibnfsShare::ReadBatch {
 public:
  struct Lane {
    nfs_context* nfs = nullptr;
    bool busy = false;
  };
  struct Request {
    ReadBatch* batch = nullptr;
    Lane* lane = nullptr;
    std::size_t index = 0;
    nfsfh* fh = nullptr;
    bool done = false;
    int status = 0;      // < 0: the failing libnfs status
    std::string stage;   // "opening" or "reading", for the message
    std::string detail;  // libnfs's error text
    std::string data;
  };

  ReadBatch(const std::vector<nfs_context*>& contexts, const std::vector<ReadRequest>& requests)
      : requests_(requests), slots_(requests.size()) {
    for (nfs_context* nfs : contexts) lanes_.push_back(Lane{nfs, false});
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].batch = this;
      slots_[i].index = i;
    }
  }

  std::vector<Lane>& lanes() { return lanes_; }
  std::size_t size() const { return slots_.size(); }
  std::size_t finished() const { return finished_; }
  bool idle() const {
    return std::none_of(lanes_.begin(), lanes_.end(), [](const Lane& l) { return l.busy; });
  }
  Request& slot(std::size_t i) { return slots_[i]; }
  // From now on callbacks only record (the connections are being torn down).
  void abandon() { abandoned_ = true; }

  // Gives every idle lane the next request.
  void start_idle_lanes() {
    for (Lane& lane : lanes_) {
      if (lane.busy || next_ == slots_.size()) continue;
      Request& r = slots_[next_++];
      r.lane = &lane;
      r.stage = "opening";
      lane.busy = true;
      const std::string path = path_of(requests_[r.index].name);
      if (nfs_open_async(lane.nfs, path.c_str(), O_RDONLY | O_NOFOLLOW, &opened, &r) != 0) {
        finish(r, -EIO, nfs_get_error(lane.nfs));
      }
    }
  }

 private:
  static void opened(int status, nfs_context* nfs, void* data, void* private_data) {
    auto& r = *static_cast<Request*>(private_data);
    ReadBatch& b = *r.batch;
    if (status < 0) return b.finish(r, status, static_cast<const char*>(data));
    r.fh = static_cast<nfsfh*>(data);
    if (b.abandoned_) return b.finish(r, -EINTR, "abandoned");
    r.stage = "reading";
    const ReadRequest& want = b.requests_[r.index];
    if (nfs_pread_async(nfs, r.fh, want.offset, want.length, &read_done, &r) != 0) {
      b.close_and_finish(r, -EIO, nfs_get_error(nfs));
    }
  }

  static void read_done(int status, nfs_context*, void* data, void* private_data) {
    auto& r = *static_cast<Request*>(private_data);
    if (status < 0) return r.batch->close_and_finish(r, status, static_cast<const char*>(data));
    r.data.assign(static_cast<const char*>(data), static_cast<std::size_t>(status));
    r.batch->close_and_finish(r, 0, nullptr);
  }

  static void closed(int, nfs_context*, void*, void* private_data) {
    auto& r = *static_cast<Request*>(private_data);
    r.fh = nullptr;
    r.lane->busy = false;
  }

  void close_and_finish(Request& r, int status, const char* detail) {
    record(r, status, detail);
    // The lane stays busy until the server confirmed the CLOSE (same open-owner sequence).
    if (r.fh && !abandoned_ && nfs_close_async(r.lane->nfs, r.fh, &closed, &r) == 0) return;
    r.lane->busy = false;
  }

  void finish(Request& r, int status, const char* detail) {
    record(r, status, detail);
    r.lane->busy = false;
  }

  void record(Request& r, int status, const char* detail) {
    if (r.done) return;
    r.done = true;
    r.status = status;
    if (detail) r.detail = detail;
    ++finished_;
  }

  const std::vector<ReadRequest>& requests_;
  std::vector<Request> slots_;
  std::vector<Lane> lanes_;
  std::size_t next_ = 0;
  std::size_t finished_ = 0;
  bool abandoned_ = false;
};

std::vector<Result<std::string>> LibnfsShare::read_many(const Call& call, const std::vector<ReadRequest>& requests) {
  std::vector<Result<std::string>> results;
  results.reserve(requests.size());
  if (requests.empty()) return results;
  auto contexts = lanes(call, std::min(kReadLanes, requests.size()));
  if (!contexts) {
    results.assign(requests.size(), contexts.error());
    return results;
  }
  ReadBatch batch(*contexts, requests);
  std::optional<Error> stopped;  // why the loop ended early
  std::vector<pollfd> fds(batch.lanes().size());
  while (true) {
    batch.start_idle_lanes();
    if (batch.finished() == batch.size() && batch.idle()) break;
    const auto left = call.remaining();
    if (left.count() <= 0) {
      stopped = Error::timeout("share '" + name_ + "': reading " + std::to_string(batch.size()) +
                               " files did not finish before the call's deadline (" + std::to_string(batch.finished()) +
                               " done)");
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      fds[i] = pollfd{nfs_get_fd(batch.lanes()[i].nfs), static_cast<short>(nfs_which_events(batch.lanes()[i].nfs)), 0};
    }
    // Wake at least every 100 ms: libnfs expires requests (command_timeout_s) in nfs_service.
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(100, left.count())));
    if (ready < 0 && errno != EINTR) {
      stopped = share_error(name_, "waiting for the NFS server", errno);
      break;
    }
    for (std::size_t i = 0; i < fds.size() && !stopped; ++i) {
      if (nfs_service(batch.lanes()[i].nfs, ready > 0 ? fds[i].revents : 0) < 0) {
        stopped = Error::backend("share '" + name_ + "': the connection to NFS server " + endpoint_.server +
                                 " failed: " + nfs_get_error(batch.lanes()[i].nfs));
      }
    }
    if (stopped) break;
  }
  bool transport_failed = stopped.has_value();
  for (std::size_t i = 0; i < batch.size() && !transport_failed; ++i) {
    const auto& r = batch.slot(i);
    transport_failed = r.done && r.status < 0 && !is_file_error(r.status);
  }
  if (transport_failed) {
    batch.abandon();
    disconnect();  // cancels whatever is still in flight, on every lane
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& r = batch.slot(i);
    if (!r.done) {
      results.push_back(
          stopped ? *stopped
                  : Error::backend("share '" + name_ + "': reading '" + requests[i].name + "' was abandoned"));
    } else if (r.status < 0) {
      results.push_back(error_for(r.stage + " '" + requests[i].name + "'", r.status, r.detail));
    } else {
      results.push_back(std::move(r.data));
    }
  }
  return results;
}

}  // namespace snapmgr::nfs
