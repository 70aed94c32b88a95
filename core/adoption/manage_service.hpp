// The service behind the REST API: listing manageable objects, adopting them into the catalog,
// unmanaging, and reading catalog rows. Every method is thread-safe and never throws; failures
// are ServiceErrors with final messages (service_error.hpp).
//
// Adoption is validated synchronously (a failure leaves no row and no backend change), then the
// row is inserted as `creating` and returned; a worker runs the driver's adopt step and moves
// the row to `available` (size = backend size rounded up to GiB, provider reference recorded)
// or `error`. Unmanage moves `available`/`error` rows to `unmanaging`, returns, and a worker
// calls the driver's release capability (if any) and soft-deletes the row; backend objects are
// never deleted.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.hpp"
#include "core/catalog/records.hpp"
#include "core/common/service_error.hpp"
#include "core/listing/listing_types.hpp"

namespace snapmgr::core {

struct Caller {
  std::string user_id;
  std::string project_id;
  bool is_admin = false;
  std::string request_id;  // for logs
};

struct ManageSnapshotRequest {
  std::string volume_id;
  snapmgr::StringMap ref;  // from the body's `ref`: an object's members, or {"source-name": s}
  std::optional<std::string> name;
  std::optional<std::string> description;
  Metadata metadata;
};

struct ManageVolumeRequest {
  std::string host;  // "host@backend[#pool]" (or cluster)
  std::string cluster;
  snapmgr::StringMap ref;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> volume_type;
  std::optional<std::string> availability_zone;
  bool bootable = false;
  Metadata metadata;
};

struct VolumeFilter {
  std::optional<std::string> project_id;  // unset: every project (all_tenants)
  std::optional<std::string> name;
};

struct SnapshotFilter {
  std::optional<std::string> project_id;
  std::optional<std::string> volume_id;
};

// Cinder's os-services filters: `host` matches a service host exactly, or as the host part of
// "<host>@<backend>" (a value without '@' or '#'), or as "<value>#..." (a value without '#');
// `binary` matches exactly. Unset: no filter.
struct ServiceFilter {
  std::optional<std::string> host;
  std::optional<std::string> binary;
};

// A cinder-volume service as os-services shows it.
struct ServiceView {
  VolumeServiceRow row;
  bool up = false;  // its heartbeat is at most service_down_time_s old (either way: clock skew)
};

inline constexpr std::string_view kVolumeBinary = "cinder-volume";

class ManageService {
 public:
  virtual ~ManageService() = default;

  // Registers this host's backends in the service registry, advertising `advertise_url`, and
  // starts their heartbeat (every report_interval_s; backends whose driver is down get none, as
  // Cinder's volume manager stops heartbeating when its driver failed). Called once, when the
  // API listens. Fails when the catalog refuses the first registration.
  virtual ServiceStatus register_services(const std::string& advertise_url) = 0;
  // Every registered service (all hosts sharing the catalog) that matches, ordered by host.
  virtual ServiceResult<std::vector<ServiceView>> list_services(const ServiceFilter& filter) = 0;

  virtual ServiceResult<std::vector<SnapshotListingEntry>> list_manageable_snapshots(const ListingQuery& query,
                                                                                     const Caller& caller) = 0;
  virtual ServiceResult<std::vector<VolumeListingEntry>> list_manageable_volumes(const ListingQuery& query,
                                                                                 const Caller& caller) = 0;

  // Errors, in Cinder's order: NotFound "Volume <id> could not be found."; NotFound "Service
  // cinder-volume could not be found on host <backend>."; BadRequest "Service is unavailable at
  // this time."; BadRequest "Invalid volume: ..." (state); NotImplemented; BadRequest for a
  // reference the driver rejects; Conflict when the object is already managed or being adopted.
  virtual ServiceResult<SnapshotRecord> manage_snapshot(const ManageSnapshotRequest& request, const Caller& caller) = 0;
  virtual ServiceResult<VolumeRecord> manage_volume(const ManageVolumeRequest& request, const Caller& caller) = 0;

  // NotFound "Snapshot <id> could not be found."; BadRequest "Invalid snapshot: Snapshot status
  // must be available or error and must not be part of a group."
  virtual ServiceStatus unmanage_snapshot(const std::string& snapshot_id, const Caller& caller) = 0;
  virtual ServiceStatus unmanage_volume(const std::string& volume_id, const Caller& caller) = 0;

  // Live rows only. NotFound "Volume <id> could not be found." / "Snapshot <id> could not be found."
  virtual ServiceResult<VolumeRecord> get_volume(const std::string& id) = 0;
  virtual ServiceResult<SnapshotRecord> get_snapshot(const std::string& id) = 0;
  virtual ServiceResult<std::vector<VolumeRecord>> list_volumes(const VolumeFilter& filter) = 0;
  virtual ServiceResult<std::vector<SnapshotRecord>> list_snapshots(const SnapshotFilter& filter) = 0;

  // Metadata of a live row, in the catalog only (adoption/metadata.cpp): `replace` makes it exactly
  // `metadata`, else its keys are added or overwritten. Returns the metadata after the write.
  // NotFound as get_volume/get_snapshot; deleting an absent key: NotFound "Volume <id> has no
  // metadata with key <key>." / "Snapshot <id> has no metadata with key <key>."
  virtual ServiceResult<Metadata> update_metadata(ObjectKind kind, const std::string& id, const Metadata& metadata,
                                                  bool replace) = 0;
  virtual ServiceStatus delete_metadata_key(ObjectKind kind, const std::string& id, const std::string& key) = 0;
};

}  // namespace snapmgr::core
