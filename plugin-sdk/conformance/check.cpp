#include "snapmgr/conformance/check.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace snapmgr::conformance {
namespace {

// Values longer than this print as their start and their length.
constexpr std::size_t kLongValue = 80;

}  // namespace

void ConformanceTest::SetUp() {
  std::string error;
  driver_ = kind_ == CheckKind::Destructive ? kit().destructive_driver(&error) : kit().shared_driver(&error);
  ASSERT_TRUE(driver_) << in_check() << "could not get a driver instance: " << error;
}

std::string describe(const StringMap& reference) {
  boost::json::object object;
  for (const auto& [key, value] : reference) {
    if (value.size() > kLongValue) {
      object[key] = value.substr(0, kLongValue / 2) + "...(" + std::to_string(value.size()) + " characters)";
    } else {
      object[key] = value;
    }
  }
  return boost::json::serialize(object);
}

std::string about(std::string_view noun, const StringMap& reference) {
  return in_check() + std::string(noun) + " " + describe(reference) + ": ";
}

std::string in_check() { return "[" + current_check() + "] "; }

}  // namespace snapmgr::conformance
