// URL routing of the v3 API: which resource a decoded path names, which methods it accepts, and
// the path's project and object id. From Cinder 3.67 `{project_id}` may be left out; here it is
// optional at every version (a first segment that is a resource name means "no project").
//
//   /v3[/{p}]/manageable_snapshots          GET POST     /…/manageable_snapshots/detail  GET
//   /v3[/{p}]/os-snapshot-manage            GET POST     /…/os-snapshot-manage/detail    GET
//   /v3[/{p}]/manageable_volumes            GET POST     /…/manageable_volumes/detail    GET
//   /v3[/{p}]/os-volume-manage              GET POST     /…/os-volume-manage/detail      GET
//   /v3[/{p}]/volumes[/detail]              GET          /…/volumes/{id}                 GET
//   /v3[/{p}]/snapshots[/detail]            GET          /…/snapshots/{id}               GET
//   /v3[/{p}]/volumes/{id}/action           POST         /…/snapshots/{id}/action        POST
//   /v3[/{p}]/volumes/{id}/metadata         GET POST PUT /…/volumes/{id}/metadata/{key}  GET PUT DELETE
//   /v3[/{p}]/snapshots/{id}/metadata       GET POST PUT /…/snapshots/{id}/metadata/{key} GET PUT DELETE
//   /v3[/{p}]/os-services                   GET
// Member routes of the manage resources (/manageable_snapshots/{id}, …) exist in Cinder's route
// map without an implementation: they answer 404 whatever the method. So do os-services'
// (/os-services/{action}, Cinder's enable, disable, freeze, …), which snapmgr does not serve.
// A known path with another method is 405; anything else is 404.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace snapmgr::core::api {

enum class Resource {
  NotFound,
  ManageableSnapshots,
  ManageableSnapshotsDetail,
  LegacySnapshotManage,
  LegacySnapshotManageDetail,
  ManageableVolumes,
  ManageableVolumesDetail,
  LegacyVolumeManage,
  LegacyVolumeManageDetail,
  Volumes,
  VolumesDetail,
  Volume,
  VolumeAction,
  Snapshots,
  SnapshotsDetail,
  Snapshot,
  SnapshotAction,
  VolumeMetadata,
  VolumeMetadataItem,
  SnapshotMetadata,
  SnapshotMetadataItem,
  Services,
};

struct Route {
  Resource resource = Resource::NotFound;
  std::string project_id;            // "" when the URL has none
  std::string id;                    // member id, for member routes
  std::string key;                   // the metadata key, for */metadata/{key}
  std::vector<std::string> methods;  // accepted methods ("GET", "POST", "PUT", "DELETE")

  bool accepts(std::string_view method) const;
};

// Routes a decoded path that starts with "/v3/".
Route route_v3(std::string_view path);

}  // namespace snapmgr::core::api
