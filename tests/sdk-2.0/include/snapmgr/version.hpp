// snapmgr plugin SDK — versions and the build fingerprint.
//
// Purpose: the numbers a driver is stamped with at compile time and the host checks at load
// time. The ABI version is major.minor: the host refuses a driver whose major differs from its
// own or whose minor is newer than its own (a driver built against an older minor of the same
// major keeps working). The fingerprint names what the C++ types crossing the boundary depend
// on — compiler family, libstdc++'s dual-ABI flag and the SDK major — so that a driver built
// with an incompatible toolchain is refused before any std::string crosses the boundary.
//
// Ownership/thread-safety: constants only.
#pragma once

#include <cstdint>

#define SNAPMGR_SDK_VERSION_MAJOR 2
#define SNAPMGR_SDK_VERSION_MINOR 0
#define SNAPMGR_SDK_VERSION_PATCH 0

#define SNAPMGR_STRINGIFY_IMPL(x) #x
#define SNAPMGR_STRINGIFY(x) SNAPMGR_STRINGIFY_IMPL(x)

#define SNAPMGR_SDK_VERSION                                                       \
  SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MAJOR)                                    \
  "." SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MINOR) "." SNAPMGR_STRINGIFY( \
      SNAPMGR_SDK_VERSION_PATCH)

#if defined(__clang__)
#define SNAPMGR_COMPILER_FAMILY "clang"
#elif defined(__GNUC__)
#define SNAPMGR_COMPILER_FAMILY "gcc"
#else
#define SNAPMGR_COMPILER_FAMILY "other"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define SNAPMGR_CXX11_ABI_FLAG SNAPMGR_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define SNAPMGR_CXX11_ABI_FLAG "0"
#endif

// "<compiler family>/cxx11abi=<0|1>/sdk<major>", e.g. "gcc/cxx11abi=1/sdk2".
#define SNAPMGR_BUILD_FINGERPRINT \
  SNAPMGR_COMPILER_FAMILY "/cxx11abi=" SNAPMGR_CXX11_ABI_FLAG "/sdk" SNAPMGR_STRINGIFY(SNAPMGR_SDK_VERSION_MAJOR)

namespace snapmgr {

inline constexpr std::uint32_t kAbiMajor = SNAPMGR_SDK_VERSION_MAJOR;
inline constexpr std::uint32_t kAbiMinor = SNAPMGR_SDK_VERSION_MINOR;
inline constexpr const char* kSdkVersion = SNAPMGR_SDK_VERSION;
inline constexpr const char* kBuildFingerprint = SNAPMGR_BUILD_FINGERPRINT;

}  // namespace snapmgr
