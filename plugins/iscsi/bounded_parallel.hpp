// Runs independent jobs on a bounded number of threads — how the driver keeps at most
// `max_parallel_logins` iSCSI sessions open at once.
//
// `job(i)` runs exactly once for every i in [0, count), on the calling thread or on one of at
// most width-1 helper threads; the call returns when all jobs have finished. Jobs must not throw
// (the driver's jobs catch everything and record it in their result slot). If a helper thread
// cannot be started, its share runs on the threads that did start.
//
// Thread-safety: jobs run concurrently; each must touch only its own result slot.
#pragma once

#include <cstddef>
#include <functional>

namespace snapmgr::iscsi {

void for_each_bounded(std::size_t count, int width, const std::function<void(std::size_t)>& job) noexcept;

}  // namespace snapmgr::iscsi
