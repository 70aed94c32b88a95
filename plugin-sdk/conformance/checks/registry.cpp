#include "checks/registry.hpp"

namespace snapmgr::conformance {

void add_check(const std::string& suite, const std::string& name, CheckKind kind, CheckBody body,
               std::source_location where) {
  ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, where.file_name(),
                          static_cast<int>(where.line()),
                          [kind, body]() -> BuiltinCheck* { return new BuiltinCheck(kind, body); });
}

std::vector<std::string> register_builtin_checks(const DriverDescriptor& driver) {
  std::vector<std::string> not_applicable;
  auto note_missing = [&](Capability c, const char* checks) {
    if (!has(driver.capabilities, c)) {
      not_applicable.push_back(std::string(checks) + ": the driver does not declare " + to_string(c));
    }
  };
  note_missing(Capability::SnapshotDiscovery, "SnapshotListing, SnapshotRoundTrip");
  note_missing(Capability::SnapshotAdoption, "SnapshotInspection, SnapshotRoundTrip");
  note_missing(Capability::SnapshotRelease, "SnapshotRelease");
  note_missing(Capability::VolumeDiscovery, "VolumeListing, VolumeRoundTrip");
  note_missing(Capability::VolumeAdoption, "VolumeInspection, VolumeRoundTrip");
  note_missing(Capability::VolumeRelease, "VolumeRelease");

  register_descriptor_checks();
  register_capability_checks();
  const auto caps = driver.capabilities;
  if (has(caps, Capability::SnapshotDiscovery)) register_snapshot_listing_checks();
  if (has(caps, Capability::SnapshotAdoption)) register_snapshot_inspection_checks(driver);
  if (has(caps, Capability::VolumeDiscovery)) register_volume_listing_checks();
  if (has(caps, Capability::VolumeAdoption)) register_volume_inspection_checks(driver);
  register_round_trip_checks(driver);
  return not_applicable;
}

}  // namespace snapmgr::conformance
