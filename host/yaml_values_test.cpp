// Typing of plain YAML scalars (yaml_values.hpp).
#include "host/yaml_values.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

snapmgr::OptionValue scalar(const std::string& text) { return to_option_value(YAML::Load(text)); }

TEST(YamlValues, PlainScalarsAreTypedTheCoreSchemaWay) {
  EXPECT_TRUE(scalar("~").is_null());
  EXPECT_TRUE(scalar("True").as_bool());
  EXPECT_EQ(scalar("+42").as_int(), 42);
  EXPECT_DOUBLE_EQ(scalar("-1.5e3").as_number(), -1500.0);
  EXPECT_DOUBLE_EQ(scalar("+.5").as_number(), 0.5);
  EXPECT_EQ(scalar("'42'").as_string(), "42");
}

TEST(YamlValues, NumbersFollowTheCoreSchemaGrammar) {
  EXPECT_DOUBLE_EQ(scalar("1.").as_number(), 1.0);
  EXPECT_DOUBLE_EQ(scalar("1.5E+3").as_number(), 1500.0);
  EXPECT_DOUBLE_EQ(scalar("7e-1").as_number(), 0.7);
  EXPECT_EQ(scalar("-0").as_int(), 0);
  for (const char* text : {".", "+", "1e", "1e+", "e5", ".e5", "--1", "1.2.3", "0x1F", "1_000", "1e5x"}) {
    EXPECT_TRUE(scalar(text).is_string()) << text;
    EXPECT_EQ(scalar(text).as_string(), text);
  }
}

TEST(YamlValues, NumbersOutOfRangeKeepTheirText) {
  EXPECT_EQ(scalar("9223372036854775808").as_string(), "9223372036854775808");
  // The fuzzer's find (fuzz/corpus/host_config/float-out-of-range.yaml): std::stod threw.
  EXPECT_EQ(scalar("1e400").as_string(), "1e400");
  EXPECT_EQ(scalar("-1e-400").as_string(), "-1e-400");
}

}  // namespace
}  // namespace snapmgr::core
