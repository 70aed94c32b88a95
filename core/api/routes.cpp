#include "core/api/routes.hpp"

#include <algorithm>
#include <array>

namespace snapmgr::core::api {
namespace {

struct Collection {
  std::string_view name;
  Resource collection;
  Resource detail;
  Resource member;  // NotFound: members answer 404
  Resource action;  // NotFound: no action route
  bool post_collection;
  Resource metadata = Resource::NotFound;  // NotFound: no metadata routes
  Resource metadata_item = Resource::NotFound;
};

constexpr std::array<Collection, 7> kCollections{{
    {"manageable_snapshots", Resource::ManageableSnapshots, Resource::ManageableSnapshotsDetail, Resource::NotFound,
     Resource::NotFound, true},
    {"os-snapshot-manage", Resource::LegacySnapshotManage, Resource::LegacySnapshotManageDetail, Resource::NotFound,
     Resource::NotFound, true},
    {"manageable_volumes", Resource::ManageableVolumes, Resource::ManageableVolumesDetail, Resource::NotFound,
     Resource::NotFound, true},
    {"os-volume-manage", Resource::LegacyVolumeManage, Resource::LegacyVolumeManageDetail, Resource::NotFound,
     Resource::NotFound, true},
    {"volumes", Resource::Volumes, Resource::VolumesDetail, Resource::Volume, Resource::VolumeAction, false,
     Resource::VolumeMetadata, Resource::VolumeMetadataItem},
    {"snapshots", Resource::Snapshots, Resource::SnapshotsDetail, Resource::Snapshot, Resource::SnapshotAction, false,
     Resource::SnapshotMetadata, Resource::SnapshotMetadataItem},
    {"os-services", Resource::Services, Resource::NotFound, Resource::NotFound, Resource::NotFound, false},
}};

const Collection* find_collection(std::string_view name) {
  for (const auto& c : kCollections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

bool Route::accepts(std::string_view method) const {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

Route route_v3(std::string_view path) {
  Route route;
  if (path.size() > 4 && path.back() == '/') path.remove_suffix(1);  // "/v3/p/volumes/" ≡ without
  auto segs = segments(path);
  // segs[0] is "" (leading slash), segs[1] is "v3".
  if (segs.size() < 3 || segs[1] != "v3") return route;
  std::size_t i = 2;
  if (!find_collection(segs[i])) {
    route.project_id = std::string(segs[i]);
    ++i;
  }
  if (i >= segs.size()) return route;
  const Collection* c = find_collection(segs[i]);
  if (!c) return route;
  std::size_t rest = segs.size() - i - 1;
  for (std::size_t k = i + 1; k < segs.size(); ++k) {
    if (segs[k].empty()) return route;  // "//" inside the path
  }
  if (rest == 0) {
    route.resource = c->collection;
    route.methods = c->post_collection ? std::vector<std::string>{"GET", "POST"} : std::vector<std::string>{"GET"};
  } else if (rest == 1 && segs[i + 1] == "detail") {
    route.resource = c->detail;
    route.methods = {"GET"};
  } else if (rest == 1) {
    route.resource = c->member;
    route.id = std::string(segs[i + 1]);
    if (c->member != Resource::NotFound) route.methods = {"GET"};
  } else if (rest == 2 && segs[i + 2] == "action" && c->action != Resource::NotFound) {
    route.resource = c->action;
    route.id = std::string(segs[i + 1]);
    route.methods = {"POST"};
  } else if (rest == 2 && segs[i + 2] == "metadata" && c->metadata != Resource::NotFound) {
    route.resource = c->metadata;
    route.id = std::string(segs[i + 1]);
    route.methods = {"GET", "POST", "PUT"};
  } else if (rest == 3 && segs[i + 2] == "metadata" && c->metadata_item != Resource::NotFound) {
    route.resource = c->metadata_item;
    route.id = std::string(segs[i + 1]);
    route.key = std::string(segs[i + 3]);
    route.methods = {"GET", "PUT", "DELETE"};
  }
  return route;
}

}  // namespace snapmgr::core::api
