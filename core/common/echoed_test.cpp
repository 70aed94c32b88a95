#include "core/common/echoed.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

TEST(Echoed, OrdinaryValuesAreQuotedWhole) {
  EXPECT_EQ(echoed("lvol0"), "lvol0");
  EXPECT_EQ(echoed(std::string(kEchoLimit, 'a')), std::string(kEchoLimit, 'a'));
}

TEST(Echoed, HugeValuesAreCutAndSayHowLongTheyWere) {
  EXPECT_EQ(echoed(std::string(921600, 'n')), std::string(kEchoLimit, 'n') + "...(921600 bytes)");
  EXPECT_EQ(echoed("abcdef", 3), "abc...(6 bytes)");
}

TEST(Echoed, NeverCutsACharacterInTwo) {
  const std::string text = "ab\xC3\xA9\xC3\xA9";  // "abéé"
  EXPECT_EQ(echoed(text, 3), "ab...(6 bytes)");
  EXPECT_EQ(echoed(text, 4), "ab\xC3\xA9...(6 bytes)");
}

}  // namespace
}  // namespace snapmgr::core
