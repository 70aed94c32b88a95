#include "core/listing/record_store.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace snapmgr::core {
namespace {

constexpr std::size_t kLength = sizeof(std::uint32_t);

std::size_t packed_size(const snapmgr::StringMap& map) {
  std::size_t n = 0;
  for (const auto& [k, v] : map) n += 2 * kLength + k.size() + v.size();
  return n;
}

char* put(char* out, std::string_view s) {
  if (s.size() > UINT32_MAX) throw std::length_error("a reference string is longer than 4 GiB");
  const auto length = static_cast<std::uint32_t>(s.size());
  std::memcpy(out, &length, kLength);
  std::memcpy(out + kLength, s.data(), s.size());
  return out + kLength + s.size();
}

// Reads the string at the front of `packed` and drops it from `packed`.
std::string_view take(std::string_view& packed) {
  std::uint32_t length = 0;
  std::memcpy(&length, packed.data(), kLength);
  std::string_view s = packed.substr(kLength, length);
  packed.remove_prefix(kLength + length);
  return s;
}

}  // namespace

snapmgr::StringMap unpack_map(std::string_view packed) {
  snapmgr::StringMap map;
  while (!packed.empty()) {
    std::string_view key = take(packed);
    std::string_view value = take(packed);
    map.set(std::string(key), std::string(value));
  }
  return map;
}

std::string pack_map(const snapmgr::StringMap& map) {
  std::string out(packed_size(map), '\0');
  char* p = out.data();
  for (const auto& [k, v] : map) p = put(put(p, k), v);
  return out;
}

std::optional<std::string_view> packed_value(std::string_view packed, std::string_view key) {
  while (!packed.empty()) {
    std::string_view k = take(packed);
    std::string_view value = take(packed);
    if (k == key) return value;
  }
  return std::nullopt;
}

std::string_view smallest_packed_value(std::string_view packed) {
  std::string_view smallest;
  bool found = false;
  while (!packed.empty()) {
    take(packed);
    std::string_view value = take(packed);
    if (!found || value < smallest) smallest = value;
    found = true;
  }
  return smallest;
}

RecordStore::~RecordStore() {
  for (char* block : blocks_) block_pool::give_back(block);
}

char* RecordStore::allocate(std::size_t n) {
  if (n > kBlockSize / 4) return large_.emplace_back(new char[n]).get();  // uninitialised
  if (block_used_ + n > kBlockSize) {
    blocks_.reserve(blocks_.size() + 1);
    blocks_.push_back(block_pool::take());
    block_used_ = 0;
  }
  char* p = blocks_.back() + block_used_;
  block_used_ += n;
  return p;
}

std::string_view RecordStore::pack(const snapmgr::StringMap& map) {
  const std::size_t n = packed_size(map);
  if (n == 0) return {};
  char* start = allocate(n);
  char* p = start;
  for (const auto& [k, v] : map) p = put(put(p, k), v);
  return {start, n};
}

const std::string* RecordStore::intern(const std::string& text) { return &*texts_.insert(text).first; }

}  // namespace snapmgr::core
