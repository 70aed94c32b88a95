#include "inspection_memo.hpp"

namespace snapmgr::lvm {

void InspectionMemo::remember(const std::string& key, const LvRow& row) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now - it->second.at > max_age_ ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() >= capacity_ && !entries_.count(key)) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.at < oldest->second.at) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_[key] = Entry{row, now};
}

std::optional<LvRow> InspectionMemo::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  if (Clock::now() - entry.at > max_age_) return std::nullopt;
  return std::move(entry.row);
}

}  // namespace snapmgr::lvm
