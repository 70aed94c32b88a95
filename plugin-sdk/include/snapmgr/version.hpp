// snapmgr plugin SDK — versions and the build fingerprint.
//
// Purpose: the numbers a driver is stamped with at compile time and the host checks at load
// time. The ABI version is major.minor: the host refuses a driver whose major differs from its
// own or whose minor is newer than its own (a driver built against an older minor of the same
// major keeps working; the host never asks it for a capability of a newer minor). The
// fingerprint names what the C++ types crossing the boundary depend on — the standard library,
// its ABI and the SDK major — so that a driver built against an incompatible standard library is
// refused before any std::string crosses the boundary. The compiler does not matter: clang and
// gcc building against the same libstdc++ produce the same std::string.
//
// Ownership/thread-safety: constants only.
#pragma once

#include <cstdint>
#include <version>  // defines __GLIBCXX__ or _LIBCPP_VERSION

#define SNAPMGR_SDK_VERSION_MAJOR 2
#define SNAPMGR_SDK_VERSION_MINOR 1
#define SNAPMGR_SDK_VERSION_PATCH 0

#define SNAPMGR_STRINGIFY_IMPL(x) #x
#define SNAPMGR_STRINGIFY(x) SNAPMGR_STRINGIFY_IMPL(x)

#define SNAPMGR_SDK_VERSION                    \
  SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MAJOR) \
  "." SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MINOR) "." SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_PATCH)

// The standard library and its ABI:
//   libstdc++: "libstdc++/cxx11abi=<_GLIBCXX_USE_CXX11_ABI>" (1: the C++11 std::string, 0: the old one)
//   libc++:    "libc++/abi=<_LIBCPP_ABI_VERSION>"
#if defined(_LIBCPP_VERSION)
#define SNAPMGR_STDLIB_FINGERPRINT "libc++/abi=" SNAPMGR_STRINGIFY(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#define SNAPMGR_STDLIB_FINGERPRINT "libstdc++/cxx11abi=" SNAPMGR_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define SNAPMGR_STDLIB_FINGERPRINT "unknown-stdlib/abi=unknown"
#endif

// "<standard library>/<its ABI>/sdk<major>", e.g. "libstdc++/cxx11abi=1/sdk2". SDK 2.0 wrote
// "<gcc|clang>/cxx11abi=<0|1>/sdk2"; the host reads that legacy form too (docs/writing-a-driver.md).
#define SNAPMGR_BUILD_FINGERPRINT SNAPMGR_STDLIB_FINGERPRINT "/sdk" SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MAJOR)

namespace snapmgr {

inline constexpr std::uint32_t kAbiMajor = SNAPMGR_SDK_VERSION_MAJOR;
inline constexpr std::uint32_t kAbiMinor = SNAPMGR_SDK_VERSION_MINOR;
inline constexpr const char* kSdkVersion = SNAPMGR_SDK_VERSION;
inline constexpr const char* kBuildFingerprint = SNAPMGR_BUILD_FINGERPRINT;

}  // namespace snapmgr
