// How a value a client sent is quoted back in an error message: whole up to kEchoLimit bytes
// (so every message reads exactly as Cinder's for any ordinary value — names, keys and
// metadata are at most 255 characters), else its first kEchoLimit bytes, cut at a character
// boundary, and how long it was: "xxxx...(921600 bytes)". A 900 KB name must not come back as
// a 1.8 MB error body.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace snapmgr::core {

inline constexpr std::size_t kEchoLimit = 1024;

std::string echoed(std::string_view text, std::size_t limit = kEchoLimit);

}  // namespace snapmgr::core
