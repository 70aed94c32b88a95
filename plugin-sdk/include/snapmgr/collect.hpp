// snapmgr plugin SDK — a discovery stream collected into a vector.
//
// Purpose: for the conformance kit, tests and tools, which want a whole listing at once. The
// host never uses these (it aggregates each record as it arrives, see RecordSink in
// capabilities.hpp); a driver need not either.
//
// Ownership: the vector is the caller's. Thread-safety: as the driver's stream_* call.
#pragma once

#include <utility>
#include <vector>

#include "snapmgr/capabilities.hpp"

namespace snapmgr {

// A sink that keeps every record it is given.
template <class Record>
class CollectingSink final : public RecordSink<Record> {
 public:
  void add(Record record) noexcept override { records.push_back(std::move(record)); }
  std::vector<Record> records;
};

// Every snapshot `discovery` streams, in its order; its error if it fails.
inline Result<std::vector<ManageableSnapshot>> list_snapshots(SnapshotDiscovery& discovery, const Call& call) noexcept {
  CollectingSink<ManageableSnapshot> sink;
  if (auto st = discovery.stream_snapshots(call, sink); !st) return st.error();
  return std::move(sink.records);
}

// Every volume `discovery` streams, in its order; its error if it fails.
inline Result<std::vector<ManageableVolume>> list_volumes(VolumeDiscovery& discovery, const Call& call) noexcept {
  CollectingSink<ManageableVolume> sink;
  if (auto st = discovery.stream_volumes(call, sink); !st) return st.error();
  return std::move(sink.records);
}

}  // namespace snapmgr
