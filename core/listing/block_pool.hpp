// 1 MiB blocks for listings' storage, mapped from the system and reused from one listing to the
// next. A backend's listing can be rebuilt every second while requests still read its
// predecessor; reusing the predecessor's blocks costs no page faults (faulting in a fresh
// 100,000-record listing took ~12 ms on these VMs, a third of the listing's time), and because
// the blocks bypass malloc, memory one thread's listing gave back serves the next listing
// whichever malloc arena its thread uses. At most kMaxIdleBlocks stay mapped while idle (enough
// for a 100,000-record listing); the rest are unmapped at once.
//
// Thread-safety: both functions may be called concurrently.
#pragma once

#include <cstddef>

namespace snapmgr::core::block_pool {

inline constexpr std::size_t kBlockSize = std::size_t{1} << 20;
inline constexpr std::size_t kMaxIdleBlocks = 32;

// A block of kBlockSize bytes, not initialised; throws std::bad_alloc.
char* take();
// Gives back a block from take().
void give_back(char* block) noexcept;

}  // namespace snapmgr::core::block_pool
