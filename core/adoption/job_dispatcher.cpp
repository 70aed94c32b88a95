#include "core/adoption/job_dispatcher.hpp"

#include <boost/asio/post.hpp>

#include "core/logging/logging.hpp"

namespace snapmgr::core {

JobDispatcher::JobDispatcher(std::size_t workers, std::chrono::milliseconds poll)
    : capacity_(workers), poll_(poll), workers_(workers) {}

JobDispatcher::~JobDispatcher() { stop(); }

void JobDispatcher::start(Claim claim, Run run) {
  claim_ = std::move(claim);
  run_ = std::move(run);
  dispatcher_ = std::thread([this] { loop(); });
}

void JobDispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void JobDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !dispatcher_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  workers_.join();  // the running jobs finish; each driver call is bounded by its deadline
}

void JobDispatcher::finished(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    running_.erase(id);
    resting_[id] = std::chrono::steady_clock::now() + poll_;
    if (backlog_) woken_ = true;
  }
  changed_.notify_all();
}

void JobDispatcher::loop() {
  std::size_t failures = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (running_.size() < capacity_) {
      const auto now = std::chrono::steady_clock::now();
      std::erase_if(resting_, [&](const auto& entry) { return entry.second <= now; });
      std::vector<std::string> not_again(running_.begin(), running_.end());
      for (const auto& entry : resting_) not_again.push_back(entry.first);
      const std::size_t limit = capacity_ - running_.size();
      woken_ = false;
      lock.unlock();
      auto jobs = claim_(not_again, limit);
      lock.lock();
      if (!jobs.ok()) {
        if (failures++ == 0) log().warn("jobs: claiming failed (retried every poll): {}", jobs.error().message);
      } else {
        if (failures > 0) log().info("jobs: claiming works again after {} failure(s)", failures);
        failures = 0;
        backlog_ = jobs->size() == limit;
        for (const Job& job : *jobs) {
          running_.insert(job.id);
          boost::asio::post(workers_, [this, job] {
            try {
              run_(job);
            } catch (const std::exception& e) {
              log().error("job {} {}: unexpected failure: {}", job.status, job.id, e.what());
            }
            finished(job.id);
          });
        }
      }
    }
    changed_.wait_for(lock, poll_, [this] { return stopping_ || (woken_ && running_.size() < capacity_); });
  }
}

}  // namespace snapmgr::core
