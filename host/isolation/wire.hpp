// The worker channel's conversions and transport: SDK values to and from the protobuf messages of
// worker_protocol.proto, and a socket that carries them length-delimited (protobuf's
// delimited_message_util — no format of our own).
//
// Thread-safety: `Channel::send` may be called from many threads at once (one message is written
// whole before the next); `receive` from one thread only.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "host/isolation/worker_protocol.pb.h"
#include "snapmgr/options.hpp"
#include "snapmgr/records.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::core::wire {

// A string map on the wire: its keys and values in turn (worker_protocol.proto).
using WireMap = google::protobuf::RepeatedPtrField<std::string>;
void put(const snapmgr::StringMap& from, WireMap& to);
snapmgr::StringMap get(const WireMap& from);

void put(const snapmgr::OptionValue& from, worker::Option& to);
snapmgr::OptionValue get(const worker::Option& from);

void put(const snapmgr::ManageableSnapshot& from, worker::Record& to);
void put(const snapmgr::ManageableVolume& from, worker::Record& to);
snapmgr::ManageableSnapshot snapshot_of(const worker::Record& from);
snapmgr::ManageableVolume volume_of(const worker::Record& from);

void put(const snapmgr::Error& from, worker::Error& to);
snapmgr::Error get(const worker::Error& from);

// One end of the worker's socket; owns the descriptor.
class Channel {
 public:
  explicit Channel(int fd);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // False when the other end is gone.
  bool send(const google::protobuf::MessageLite& message);
  // The next message; false at the end of the stream or on a broken one.
  bool receive(google::protobuf::MessageLite& message);
  // Ends both directions: a `receive` blocked in another thread returns false.
  void shut_down();
  int fd() const { return fd_; }

 private:
  int fd_;
  std::mutex send_mutex_;
  google::protobuf::io::FileInputStream input_;
};

}  // namespace snapmgr::core::wire
