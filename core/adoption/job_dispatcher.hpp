// This node's job workers: a pool of `workers` threads that run background jobs (catalog.hpp,
// Job) and one dispatcher thread that claims them from the catalog — when woken (a job was
// queued here, or the catalog heard another node queue one) and at least every `poll` (the
// safety net: a missed wake-up, a claimer that went down) — never more than the workers free.
//
// A job that ended is not offered to the claim again for `poll` (it is in the claim's `running`
// list until then): if its outcome could not be written (the catalog was unreachable) the row
// is still this node's claim, and it is retried after that pause rather than at once.
//
// Lifetime: start() once; stop() (also run by the destructor) stops claiming, waits for the
// running jobs — each bounded by the driver-call deadline — and joins every thread. The claim
// and run functions are called only between start() and the end of stop().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "core/catalog/catalog.hpp"

namespace snapmgr::core {

class JobDispatcher {
 public:
  // Claims up to `limit` jobs, not taking `not_again` again.
  using Claim =
      std::function<ServiceResult<std::vector<Job>>(const std::vector<std::string>& not_again, std::size_t limit)>;
  using Run = std::function<void(const Job&)>;

  JobDispatcher(std::size_t workers, std::chrono::milliseconds poll);
  ~JobDispatcher();
  JobDispatcher(const JobDispatcher&) = delete;
  JobDispatcher& operator=(const JobDispatcher&) = delete;

  void start(Claim claim, Run run);
  // A job may have been queued: claim now. Returns at once; may be called from any thread.
  void wake();
  void stop();

 private:
  void loop();
  void finished(const std::string& id);

  const std::size_t capacity_;
  const std::chrono::milliseconds poll_;
  Claim claim_;
  Run run_;
  boost::asio::thread_pool workers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool woken_ = false;
  bool backlog_ = false;  // the last claim took as many as it could: more may be waiting
  std::set<std::string> running_;
  std::map<std::string, std::chrono::steady_clock::time_point> resting_;  // ended; offered again after that
  std::thread dispatcher_;
};

}  // namespace snapmgr::core
