// An append-only array of trivially copyable items stored in pooled 1 MiB blocks
// (block_pool.hpp): appending never moves or copies earlier items (a listing's item table grows
// while a driver streams, without the doubling copies of a vector) and the blocks are reused
// by the next listing.
//
// Thread-safety: appending needs exclusion; reading is safe from any thread.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <vector>

#include "core/listing/block_pool.hpp"

namespace snapmgr::core {

template <class T>
class PooledArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t kPerBlock = block_pool::kBlockSize / sizeof(T);

  PooledArray() = default;
  PooledArray(const PooledArray&) = delete;
  PooledArray& operator=(const PooledArray&) = delete;
  ~PooledArray() {
    for (char* block : blocks_) block_pool::give_back(block);
  }

  void push_back(const T& item) {
    if (size_ == blocks_.size() * kPerBlock) {
      blocks_.reserve(blocks_.size() + 1);
      blocks_.push_back(block_pool::take());
    }
    new (blocks_.back() + (size_ % kPerBlock) * sizeof(T)) T(item);
    ++size_;
  }

  const T& operator[](std::size_t i) const {
    return *std::launder(reinterpret_cast<const T*>(blocks_[i / kPerBlock] + (i % kPerBlock) * sizeof(T)));
  }
  std::size_t size() const { return size_; }

 private:
  std::vector<char*> blocks_;
  std::size_t size_ = 0;
};

}  // namespace snapmgr::core
