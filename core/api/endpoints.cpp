// Endpoints::call: the dispatch from a matched route to the endpoint that serves it.
#include "core/api/endpoints.hpp"

namespace snapmgr::core::api {

snapmgr::Result<HttpResponse, ApiError> Endpoints::call(const EndpointRequest& r) const {
  const bool post = r.method == "POST";
  switch (r.route.resource) {
    case Resource::ManageableSnapshots:
      return post ? manage_snapshot(r, ApiPath::V3) : list_manageable_snapshots(r, false, ApiPath::V3);
    case Resource::ManageableSnapshotsDetail: return list_manageable_snapshots(r, true, ApiPath::V3);
    case Resource::LegacySnapshotManage:
      return post ? manage_snapshot(r, ApiPath::Legacy) : list_manageable_snapshots(r, false, ApiPath::Legacy);
    case Resource::LegacySnapshotManageDetail: return list_manageable_snapshots(r, true, ApiPath::Legacy);
    case Resource::ManageableVolumes:
      return post ? manage_volume(r, ApiPath::V3) : list_manageable_volumes(r, false, ApiPath::V3);
    case Resource::ManageableVolumesDetail: return list_manageable_volumes(r, true, ApiPath::V3);
    case Resource::LegacyVolumeManage:
      return post ? manage_volume(r, ApiPath::Legacy) : list_manageable_volumes(r, false, ApiPath::Legacy);
    case Resource::LegacyVolumeManageDetail: return list_manageable_volumes(r, true, ApiPath::Legacy);
    case Resource::Volumes: return list_volumes(r, false);
    case Resource::VolumesDetail: return list_volumes(r, true);
    case Resource::Volume: return show_volume(r);
    case Resource::VolumeAction: return volume_action(r);
    case Resource::Snapshots: return list_snapshots(r, false);
    case Resource::SnapshotsDetail: return list_snapshots(r, true);
    case Resource::Snapshot: return show_snapshot(r);
    case Resource::SnapshotAction: return snapshot_action(r);
    case Resource::VolumeMetadata:
    case Resource::VolumeMetadataItem: return volume_metadata(r);
    case Resource::SnapshotMetadata:
    case Resource::SnapshotMetadataItem: return snapshot_metadata(r);
    case Resource::Services: return list_services(r);
    case Resource::NotFound: break;
  }
  return ApiError::not_found();
}

}  // namespace snapmgr::core::api
