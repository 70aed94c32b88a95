// What the last inspections found, kept briefly for the adoption that follows.
//
// snapmgrd inspects an LV synchronously (before answering 202) and adopts it right after, in
// the background; both used to run `lvs`, so an adoption through the API started three lvm2
// processes where two do. An inspection remembers the LV it checked; the adoption of the same
// reference within `max_age` takes that row instead of running `lvs` again, and renames it. If
// the LV changed meanwhile the rename fails (lvm2 refuses a name that does not exist) and the
// adoption looks again. Entries are taken once; at most `capacity` are kept.
//
// Thread-safety: all methods may run concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lvs_report.hpp"

namespace snapmgr::lvm {

class InspectionMemo {
 public:
  using Clock = std::chrono::steady_clock;
  explicit InspectionMemo(std::chrono::milliseconds max_age = std::chrono::seconds(10), std::size_t capacity = 256)
      : max_age_(max_age), capacity_(capacity) {}

  // `key` names what was checked: the LV and, for a snapshot, the origin it was checked against.
  void remember(const std::string& key, const LvRow& row);
  // The row remembered under `key` if it is younger than `max_age`; forgets it either way.
  std::optional<LvRow> take(const std::string& key);

 private:
  struct Entry {
    LvRow row;
    Clock::time_point at;
  };
  std::chrono::milliseconds max_age_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace snapmgr::lvm
