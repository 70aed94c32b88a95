#include "core/listing/block_pool.hpp"

#include <sys/mman.h>

#include <mutex>
#include <new>
#include <vector>

namespace snapmgr::core::block_pool {
namespace {

struct Idle {
  std::mutex mutex;
  std::vector<char*> blocks;
};

Idle& idle() {
  static Idle* pool = [] {
    auto* p = new Idle();  // never destroyed: blocks may come back during static destruction
    p->blocks.reserve(kMaxIdleBlocks);
    return p;
  }();
  return *pool;
}

}  // namespace

char* take() {
  {
    Idle& pool = idle();
    std::lock_guard lock(pool.mutex);
    if (!pool.blocks.empty()) {
      char* block = pool.blocks.back();
      pool.blocks.pop_back();
      return block;
    }
  }
  void* block = mmap(nullptr, kBlockSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) throw std::bad_alloc();
  return static_cast<char*>(block);
}

void give_back(char* block) noexcept {
  if (!block) return;
  {
    Idle& pool = idle();
    std::lock_guard lock(pool.mutex);
    if (pool.blocks.size() < kMaxIdleBlocks) {  // capacity reserved: push_back cannot throw
      pool.blocks.push_back(block);
      return;
    }
  }
  munmap(block, kBlockSize);
}

}  // namespace snapmgr::core::block_pool
