// Build fingerprints (snapmgr/version.hpp) read and compared by the host.
//
// A fingerprint names the standard library the driver's std::string and std::vector come from:
// "libstdc++/cxx11abi=<0|1>/sdk<major>" or "libc++/abi=<version>/sdk<major>". Drivers built
// against SDK 2.0 carry the legacy form "<gcc|clang>/cxx11abi=<0|1>/sdk<major>", which named
// the compiler instead. It is read as follows:
//   - cxx11abi=1 means libstdc++ with the C++11 ABI, whatever the compiler: only libstdc++
//     defines _GLIBCXX_USE_CXX11_ABI=1 → "libstdc++/cxx11abi=1/sdk<major>";
//   - gcc with cxx11abi=0 means libstdc++ with the old ABI (gcc's library) →
//     "libstdc++/cxx11abi=0/sdk<major>";
//   - any other compiler with cxx11abi=0 is ambiguous (libc++ defines no such flag, so SDK 2.0
//     wrote 0 for it too): it matches no host, and the refusal says why.
// Two fingerprints are compatible when their current forms are equal.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "snapmgr/version.hpp"

namespace snapmgr::core {

struct BuildFingerprint {
  std::string library;  // "libstdc++", "libc++"; empty for an ambiguous legacy fingerprint
  std::string abi;      // "cxx11abi=1", "abi=1"
  std::string sdk;      // "sdk2"
  bool legacy = false;  // read from the SDK 2.0 form

  // "libstdc++/cxx11abi=1/sdk2" (empty library: "?").
  std::string current_form() const;
  // "libstdc++ with the C++11 string ABI (_GLIBCXX_USE_CXX11_ABI=1)", "libc++ (ABI version 1)".
  std::string describe_library() const;
};

// Either form; nullopt for anything else.
std::optional<BuildFingerprint> parse_fingerprint(std::string_view fingerprint);

// Empty when a plugin stamped `plugin` can be loaded by a host stamped `host`; else the cause,
// naming both fingerprints and what differs.
std::string fingerprint_mismatch(std::string_view plugin, std::string_view host = snapmgr::kBuildFingerprint);

}  // namespace snapmgr::core
