#include "bounded_parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace snapmgr::iscsi {

void for_each_bounded(std::size_t count, int width, const std::function<void(std::size_t)>& job) noexcept {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) job(i);
  };
  std::vector<std::thread> helpers;
  const std::size_t wanted = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(width, 1)));
  try {
    helpers.reserve(wanted > 0 ? wanted - 1 : 0);
    for (std::size_t t = 1; t < wanted; ++t) helpers.emplace_back(worker);
  } catch (...) {
    // Fewer threads than asked for: the ones that exist (and this one) take the remaining jobs.
  }
  worker();
  for (auto& h : helpers) h.join();
}

}  // namespace snapmgr::iscsi
