#include "host/build_fingerprint.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

const char* kHost = "libstdc++/cxx11abi=1/sdk2";

TEST(BuildFingerprint, TheHostsOwnIsTheCurrentForm) {
  auto f = parse_fingerprint(snapmgr::kBuildFingerprint);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->legacy);
  EXPECT_EQ(f->current_form(), snapmgr::kBuildFingerprint);
  EXPECT_EQ(fingerprint_mismatch(snapmgr::kBuildFingerprint), "");
}

TEST(BuildFingerprint, Sdk20FormsWithTheCxx11AbiAreLibstdcxxWhateverTheCompiler) {
  EXPECT_EQ(fingerprint_mismatch("gcc/cxx11abi=1/sdk2", kHost), "");
  EXPECT_EQ(fingerprint_mismatch("clang/cxx11abi=1/sdk2", kHost), "");
  EXPECT_EQ(parse_fingerprint("clang/cxx11abi=1/sdk2")->current_form(), kHost);
  EXPECT_EQ(fingerprint_mismatch("gcc/cxx11abi=0/sdk2", "libstdc++/cxx11abi=0/sdk2"), "");
}

TEST(BuildFingerprint, MismatchesNameBothFingerprintsAndTheDifference) {
  EXPECT_EQ(fingerprint_mismatch("gcc/cxx11abi=0/sdk2", kHost),
            "build fingerprint differs: plugin 'gcc/cxx11abi=0/sdk2' (SDK 2.0 form, read as "
            "'libstdc++/cxx11abi=0/sdk2'), host 'libstdc++/cxx11abi=1/sdk2': built against libstdc++ with the "
            "pre-C++11 string ABI (_GLIBCXX_USE_CXX11_ABI=0), the host uses libstdc++ with the C++11 string ABI "
            "(_GLIBCXX_USE_CXX11_ABI=1) (rebuild the plugin against the host's standard library and ABI; the "
            "compiler may differ)");
  // clang with cxx11abi=0 in SDK 2.0 was libc++ or libstdc++'s old ABI: it matches no host.
  const auto ambiguous = fingerprint_mismatch("clang/cxx11abi=0/sdk2", "libstdc++/cxx11abi=0/sdk2");
  EXPECT_NE(ambiguous.find("read as '?/cxx11abi=0/sdk2'"), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("built against an unknown standard library"), std::string::npos) << ambiguous;
  EXPECT_EQ(fingerprint_mismatch("libstdc++/cxx11abi=1/sdk3", kHost),
            "build fingerprint differs: plugin 'libstdc++/cxx11abi=1/sdk3', host 'libstdc++/cxx11abi=1/sdk2': "
            "built for SDK sdk3, the host is sdk2");
  EXPECT_EQ(fingerprint_mismatch("msvc/whatever", kHost),
            "build fingerprint differs: plugin 'msvc/whatever', host 'libstdc++/cxx11abi=1/sdk2': the plugin's "
            "fingerprint is not one snapmgr writes");
}

}  // namespace
}  // namespace snapmgr::core
