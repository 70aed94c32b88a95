#include "file_names.hpp"

#include <gtest/gtest.h>

namespace snapmgr::nfs {
namespace {

TEST(FileNames, AcceptsNamesDirectlyInTheShare) {
  for (const char* name :
       {"volume-5e3b6c1a-7d2f-4c9e-8b1a-2f4d6e8a0c11", "volume-1.snap-2", "nightly 2026.qcow2", "caf\xc3\xa9.img"}) {
    EXPECT_FALSE(unsafe_file_name_reason(name)) << name << ": " << unsafe_file_name_reason(name).value_or("");
  }
  EXPECT_FALSE(unsafe_file_name_reason(std::string(255, 'a')));
}

TEST(FileNames, RefusesEverythingThatCouldLeaveTheShare) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {"../etc/passwd", "'/'"},
      {"a/b", "'/'"},
      {"/etc/passwd", "'/'"},
      {"..", "'..'"},
      {"a..b", "'..'"},
      {std::string("a\0b", 3), "NUL"},
      {std::string(256, 'a'), "256 bytes"},
      {std::string(10000, 'a'), "10000 bytes"},
      {".hidden", "hidden"},
      {".", "hidden"},
      {"tab\there", "control"},
      {"bad\xff", "UTF-8"},
      {"\xc0\xaf", "UTF-8"},  // overlong '/'
  };
  for (const auto& [name, why] : cases) {
    auto reason = unsafe_file_name_reason(name);
    ASSERT_TRUE(reason) << printable(name);
    EXPECT_NE(reason->find(why), std::string::npos) << printable(name) << ": " << *reason;
  }
}

TEST(FileNames, PrintableEscapesAndShortens) {
  EXPECT_EQ(printable(std::string("a\0b\\", 4)), "a\\x00b\\\\");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(printable("\xff"), "\\xff");
  const std::string shown = printable(std::string(10000, 'a'));
  EXPECT_LT(shown.size(), 100u);
  EXPECT_NE(shown.find("(10000 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace snapmgr::nfs
