#include "host/driver_options.hpp"

#include "core/config/host_config.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

snapmgr::DriverDescriptor lvm_like() {
  snapmgr::DriverDescriptor d{snapmgr::current_header(), "lvm", "snapmgr", "1.0", 0, {}, nullptr};
  d.options = {
      {"volume_group", snapmgr::OptionType::String, true, {}, "the VG"},
      {"command_timeout_s", snapmgr::OptionType::Integer, false, snapmgr::OptionValue(30), "timeout"},
      {"lvm_binary", snapmgr::OptionType::String, false, snapmgr::OptionValue("lvm"), "binary"},
  };
  return d;
}

BackendConfig backend(const std::string& yaml) {
  auto load = parse_host_config("backends:\n  - name: b\n    driver: lvm\n    options: " + yaml + "\n", "f.yaml");
  EXPECT_TRUE(load.config) << to_string(load.errors);
  return load.config->backends.at(0);
}

TEST(DriverOptions, DefaultsAreFilledIn) {
  auto b = backend("{volume_group: vg0, lvm_binary: /sbin/lvm}");
  auto errors = validate_driver_options(b.options, lvm_like(), "f.yaml", "backends[0].options", b.line);
  ASSERT_TRUE(errors.empty()) << to_string(errors);
  EXPECT_EQ(b.options.find("command_timeout_s")->as_int(), 30);
  EXPECT_EQ(b.options.find("lvm_binary")->as_string(), "/sbin/lvm");
}

TEST(DriverOptions, OptionTheDriverDoesNotAcceptNamesFileLineAndKey) {
  auto b = backend("{volume_group: vg0, volume_grop: x}");
  auto errors = validate_driver_options(b.options, lvm_like(), "f.yaml", "backends[0].options", b.line);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "f.yaml:4: backends[0].options.volume_grop: driver 'lvm' does not accept this option "
            "(accepted: volume_group, command_timeout_s, lvm_binary)");
}

TEST(DriverOptions, WrongTypeAndMissingRequired) {
  auto b = backend("{command_timeout_s: soon}");
  auto errors = validate_driver_options(b.options, lvm_like(), "f.yaml", "backends[0].options", b.line);
  ASSERT_EQ(errors.size(), 2u) << to_string(errors);
  EXPECT_EQ(errors[0].to_string(),
            "f.yaml:4: backends[0].options.command_timeout_s: expected an integer, found a string");
  EXPECT_EQ(errors[1].to_string(),
            "f.yaml:2: backends[0].options.volume_group: missing required option of driver 'lvm' (the VG)");
}

}  // namespace
}  // namespace snapmgr::core
