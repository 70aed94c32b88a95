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

TEST(YamlValues, NumbersOutOfRangeKeepTheirText) {
  EXPECT_EQ(scalar("9223372036854775808").as_string(), "9223372036854775808");
  // The fuzzer's find (fuzz/corpus/host_config/float-out-of-range.yaml): std::stod threw.
  EXPECT_EQ(scalar("1e400").as_string(), "1e400");
  EXPECT_EQ(scalar("-1e-400").as_string(), "-1e-400");
}

}  // namespace
}  // namespace snapmgr::core
