#include "host/isolation/wire.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>

namespace snapmgr::core::wire {

void put(const snapmgr::StringMap& from, WireMap& to) {
  for (const auto& [key, value] : from) {
    *to.Add() = key;
    *to.Add() = value;
  }
}

snapmgr::StringMap get(const WireMap& from) {
  snapmgr::StringMap map;
  const int pairs = from.size() / 2;  // an odd last key (never sent) is dropped
  map.reserve(static_cast<std::size_t>(pairs));
  for (int i = 0; i < pairs; ++i) map.set(from.Get(2 * i), from.Get(2 * i + 1));
  return map;
}

void put(const snapmgr::OptionValue& from, worker::Option& to) {
  to.set_line(from.line());
  if (from.is_null()) {
    to.set_null_value(true);
  } else if (from.is_bool()) {
    to.set_bool_value(from.as_bool());
  } else if (from.is_int()) {
    to.set_int_value(from.as_int());
  } else if (from.is_number()) {
    to.set_number_value(from.as_number());
  } else if (from.is_string()) {
    to.set_string_value(from.as_string());
  } else if (from.is_list()) {
    auto* list = to.mutable_list();
    for (const auto& item : from.as_list()) put(item, *list->add_items());
  } else {
    auto* map = to.mutable_map();
    for (const auto& [key, value] : from.as_map()) {
      auto* member = map->add_members();
      member->set_key(key);
      put(value, *member->mutable_value());
    }
  }
}

snapmgr::OptionValue get(const worker::Option& from) {
  const int line = from.line();
  switch (from.kind_case()) {
    case worker::Option::kBoolValue: return {from.bool_value(), line};
    case worker::Option::kIntValue: return {static_cast<std::int64_t>(from.int_value()), line};
    case worker::Option::kNumberValue: return {from.number_value(), line};
    case worker::Option::kStringValue: return {from.string_value(), line};
    case worker::Option::kList: {
      snapmgr::OptionValue::List list;
      for (const auto& item : from.list().items()) list.push_back(get(item));
      return {std::move(list), line};
    }
    case worker::Option::kMap: {
      snapmgr::OptionValue::Map map;
      for (const auto& member : from.map().members()) map.emplace_back(member.key(), get(member.value()));
      return {std::move(map), line};
    }
    case worker::Option::kNullValue:
    case worker::Option::KIND_NOT_SET: break;
  }
  return {};  // null (the SDK's null value has no line)
}

namespace {

template <class Record>
void put_common(const Record& from, worker::Record& to) {
  put(from.reference, *to.mutable_reference());
  to.set_size_bytes(from.size_bytes);
  to.set_in_use(from.in_use);
  if (from.reason) to.set_reason(*from.reason);
  put(from.extra_info, *to.mutable_extra_info());
}

template <class Record>
Record get_common(const worker::Record& from) {
  Record r;
  r.reference = get(from.reference());
  r.size_bytes = from.size_bytes();
  r.in_use = from.in_use();
  if (from.has_reason()) r.reason = from.reason();
  r.extra_info = get(from.extra_info());
  return r;
}

}  // namespace

void put(const snapmgr::ManageableSnapshot& from, worker::Record& to) {
  put_common(from, to);
  put(from.source_reference, *to.mutable_source_reference());
}

void put(const snapmgr::ManageableVolume& from, worker::Record& to) { put_common(from, to); }

snapmgr::ManageableSnapshot snapshot_of(const worker::Record& from) {
  auto r = get_common<snapmgr::ManageableSnapshot>(from);
  r.source_reference = get(from.source_reference());
  return r;
}

snapmgr::ManageableVolume volume_of(const worker::Record& from) { return get_common<snapmgr::ManageableVolume>(from); }

void put(const snapmgr::Error& from, worker::Error& to) {
  to.set_code(static_cast<int>(from.code()));
  to.set_message(from.message());
}

snapmgr::Error get(const worker::Error& from) {
  const int code = from.code();
  const bool known = code >= 0 && code <= static_cast<int>(snapmgr::ErrorCode::InvalidConfig);
  return {known ? static_cast<snapmgr::ErrorCode>(code) : snapmgr::ErrorCode::BackendError, from.message()};
}

// Reads in blocks of 256 KiB: a listing's batches are large.
Channel::Channel(int fd) : fd_(fd), input_(fd, 256 * 1024) {}

Channel::~Channel() { ::close(fd_); }

bool Channel::send(const google::protobuf::MessageLite& message) {
  // Each thread reuses its buffer: a listing's batches are hundreds of KiB each.
  thread_local std::string bytes;
  bytes.clear();
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    if (!google::protobuf::util::SerializeDelimitedToZeroCopyStream(message, &out)) return false;
  }
  std::lock_guard lock(send_mutex_);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // MSG_NOSIGNAL: a gone peer is an answer (EPIPE), not a SIGPIPE.
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool Channel::receive(google::protobuf::MessageLite& message) {
  bool clean_eof = false;
  return google::protobuf::util::ParseDelimitedFromZeroCopyStream(&message, &input_, &clean_eof);
}

void Channel::shut_down() { ::shutdown(fd_, SHUT_RDWR); }

}  // namespace snapmgr::core::wire
