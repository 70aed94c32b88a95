// Descriptor.*: the descriptor the plugin exports is sane. The host's loader already refuses an
// ABI or fingerprint mismatch; these checks cover what it does not judge: names, versions,
// capability bits and the option specs snapmgrd validates configurations against.
#include <cstring>
#include <set>

#include "checks/registry.hpp"
#include "host/build_fingerprint.hpp"
#include "host/text_checks.hpp"
#include "snapmgr/version.hpp"

namespace snapmgr::conformance {
namespace {

const DriverDescriptor& descriptor() { return Kit::get().descriptor(); }

// Names used in configuration files and file names: the driver and option keys.
bool is_config_name(const std::string& s) { return core::is_name_of(s, "_.-", 64); }

// A version like 1.2.3: 2 to 4 dot-separated numbers, then optionally [-+] and a suffix of
// letters, digits, '.' and '-' (1.2.3-rc1, 2.0+build.5).
bool is_driver_version(std::string_view s) {
  const auto suffix = s.find_first_of("-+");
  if (suffix != std::string_view::npos && !core::is_name_of(s.substr(suffix + 1), ".-", s.size())) return false;
  std::string_view numbers = s.substr(0, suffix);
  int parts = 0;
  for (std::size_t dot = 0; dot != std::string_view::npos; ++parts) {
    dot = numbers.find('.');
    if (!core::is_digits(numbers.substr(0, dot))) return false;
    numbers = dot == std::string_view::npos ? std::string_view() : numbers.substr(dot + 1);
  }
  return parts >= 2 && parts <= 4;
}

// "2.0": the SDK version the driver was built against.
std::string sdk_version_text() {
  return std::to_string(descriptor().header.abi_major) + "." + std::to_string(descriptor().header.abi_minor);
}

std::string option_subject(const OptionSpec& spec) { return in_check() + "option '" + spec.key + "': "; }

// The bits of the capabilities the driver's SDK minor has.
std::uint32_t known_capabilities() { return capabilities_of_minor(descriptor().header.abi_minor); }

}  // namespace

void register_descriptor_checks() {
  const auto kind = CheckKind::ReadOnly;

  add_check("Descriptor", "NameIsUsable", kind, [](BuiltinCheck&) {
    EXPECT_TRUE(is_config_name(descriptor().name))
        << in_check() << "driver name '" << descriptor().name
        << "': expected 1-64 characters from A-Z a-z 0-9 _ . - (it is the config's driver: key and part of "
           "the file name libsnapmgr_<name>.so)";
  });

  add_check("Descriptor", "VendorAndVersionAreSet", kind, [](BuiltinCheck&) {
    EXPECT_FALSE(descriptor().vendor.empty()) << in_check() << "expected a vendor name, found an empty string";
    EXPECT_TRUE(is_driver_version(descriptor().version))
        << in_check() << "driver version '" << descriptor().version
        << "': expected a version like 1.2.3 (shown by snapmgrd --list-drivers and --check-config)";
  });

  add_check("Descriptor", "HeaderMatchesTheHost", kind, [](BuiltinCheck&) {
    const DescriptorHeader& h = descriptor().header;
    EXPECT_EQ(h.abi_major, kAbiMajor) << in_check() << "expected SDK ABI major " << kAbiMajor;
    EXPECT_LE(h.abi_minor, kAbiMinor) << in_check() << "expected an SDK ABI minor not newer than " << kAbiMinor;
    ASSERT_NE(std::memchr(h.fingerprint, '\0', sizeof h.fingerprint), nullptr)
        << in_check() << "unterminated fingerprint";
    ASSERT_NE(std::memchr(h.sdk_version, '\0', sizeof h.sdk_version), nullptr)
        << in_check() << "unterminated sdk_version";
    const std::string mismatch = core::fingerprint_mismatch(h.fingerprint);
    EXPECT_EQ(mismatch, "") << in_check() << "expected a build fingerprint the host accepts";
    const std::string prefix = std::to_string(h.abi_major) + "." + std::to_string(h.abi_minor) + ".";
    EXPECT_EQ(std::string(h.sdk_version).rfind(prefix, 0), 0u)
        << in_check() << "sdk_version '" << h.sdk_version << "': expected it to start with the ABI version " << prefix
        << " (use snapmgr::current_header())";
  });

  add_check("Descriptor", "CapabilitiesAreKnown", kind, [](BuiltinCheck&) {
    const std::uint32_t caps = descriptor().capabilities;
    EXPECT_NE(caps, 0u) << in_check() << "expected at least one capability, found none";
    EXPECT_EQ(caps & ~known_capabilities(), 0u)
        << in_check() << "capabilities 0x" << std::hex << caps << ": expected only the bits of snapmgr::Capability "
        << "that SDK " << std::dec << sdk_version_text() << " has, found 0x" << std::hex
        << (caps & ~known_capabilities());
    if (has(caps, Capability::SnapshotRelease)) {
      EXPECT_TRUE(has(caps, Capability::SnapshotAdoption))
          << in_check() << "declares snapshot-release without snapshot-adoption: expected release only with adoption";
    }
    if (has(caps, Capability::VolumeRelease)) {
      EXPECT_TRUE(has(caps, Capability::VolumeAdoption))
          << in_check() << "declares volume-release without volume-adoption: expected release only with adoption";
    }
  });

  add_check("Descriptor", "OptionKeysAreUnique", kind, [](BuiltinCheck&) {
    std::set<std::string> seen;
    for (const auto& spec : descriptor().options) {
      EXPECT_TRUE(seen.insert(spec.key).second) << option_subject(spec) << "declared twice: expected unique keys";
    }
  });

  add_check("Descriptor", "OptionKeysAreWellFormed", kind, [](BuiltinCheck&) {
    for (const auto& spec : descriptor().options) {
      EXPECT_TRUE(is_config_name(spec.key))
          << option_subject(spec) << "expected 1-64 characters from A-Z a-z 0-9 _ . - (a YAML key operators type)";
    }
  });

  add_check("Descriptor", "OptionDescriptionsAreNonEmpty", kind, [](BuiltinCheck&) {
    for (const auto& spec : descriptor().options) {
      EXPECT_FALSE(spec.description.empty())
          << option_subject(spec) << "expected a one-line description (shown by snapmgrd and in error messages)";
    }
  });

  add_check("Descriptor", "OptionDefaultsHaveDeclaredType", kind, [](BuiltinCheck&) {
    for (const auto& spec : descriptor().options) {
      if (spec.default_value.is_null()) continue;
      EXPECT_TRUE(spec.default_value.matches(spec.type))
          << option_subject(spec) << "the default does not have the declared type " << to_string(spec.type)
          << ": expected a default the host's validation would accept";
    }
  });

  add_check("Descriptor", "RequiredOptionsHaveNoDefault", kind, [](BuiltinCheck&) {
    for (const auto& spec : descriptor().options) {
      if (!spec.required) continue;
      EXPECT_TRUE(spec.default_value.is_null())
          << option_subject(spec)
          << "is required and has a default: expected one or the other (a default is never used)";
    }
  });
}

}  // namespace snapmgr::conformance
