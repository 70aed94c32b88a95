// Test plugin "discovery_only": a driver that can list snapshots and nothing else, so the
// HTTP tests can check that a missing capability is answered 501 notImplemented (never 500 or
// an empty list). Built into the e2e suite's own plugin directory, never into build/plugins.
#include <memory>

#include "snapmgr/export.hpp"

namespace snapmgr::e2e {

class DiscoveryOnlyDriver final : public Driver, public SnapshotDiscovery {
 public:
  SnapshotDiscovery* snapshot_discovery() noexcept override { return this; }

  Status stream_snapshots(const Call&, SnapshotSink& out) noexcept override {
    ManageableSnapshot s;
    s.reference.set("source-name", "only-snap");
    s.size_bytes = 1;
    s.source_reference.set("source-name", "only-volume");
    out.add(std::move(s));
    return Status::success();
  }

  static Result<std::unique_ptr<Driver>> create(const DriverContext&) {
    return std::unique_ptr<Driver>(new DiscoveryOnlyDriver());
  }
};

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "discovery_only",
      "snapmgr tests",
      "1.0.0",
      static_cast<std::uint32_t>(Capability::SnapshotDiscovery),
      {},
      &DiscoveryOnlyDriver::create,
  };
  return &d;
}

}  // namespace snapmgr::e2e

SNAPMGR_EXPORT_DRIVER(snapmgr::e2e::descriptor)
