#include "core/api/routes.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core::api {
namespace {

TEST(Routes, ProjectIsOptional) {
  auto with = route_v3("/v3/p1/manageable_snapshots");
  EXPECT_EQ(with.resource, Resource::ManageableSnapshots);
  EXPECT_EQ(with.project_id, "p1");
  EXPECT_TRUE(with.accepts("GET"));
  EXPECT_TRUE(with.accepts("POST"));
  EXPECT_FALSE(with.accepts("DELETE"));
  auto without = route_v3("/v3/manageable_snapshots/detail");
  EXPECT_EQ(without.resource, Resource::ManageableSnapshotsDetail);
  EXPECT_EQ(without.project_id, "");
  EXPECT_FALSE(without.accepts("POST"));
}

TEST(Routes, OsServicesIsACollectionWithoutMembers) {
  auto services = route_v3("/v3/p/os-services");
  EXPECT_EQ(services.resource, Resource::Services);
  EXPECT_EQ(services.project_id, "p");
  EXPECT_TRUE(services.accepts("GET"));
  EXPECT_FALSE(services.accepts("PUT"));
  EXPECT_EQ(route_v3("/v3/os-services").resource, Resource::Services);
  EXPECT_EQ(route_v3("/v3/p/os-services/enable").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/os-services/detail").resource, Resource::NotFound);
}

TEST(Routes, EveryResource) {
  EXPECT_EQ(route_v3("/v3/p/os-snapshot-manage").resource, Resource::LegacySnapshotManage);
  EXPECT_EQ(route_v3("/v3/p/os-snapshot-manage/detail").resource, Resource::LegacySnapshotManageDetail);
  EXPECT_EQ(route_v3("/v3/p/manageable_volumes").resource, Resource::ManageableVolumes);
  EXPECT_EQ(route_v3("/v3/p/manageable_volumes/detail").resource, Resource::ManageableVolumesDetail);
  EXPECT_EQ(route_v3("/v3/p/os-volume-manage/detail").resource, Resource::LegacyVolumeManageDetail);
  EXPECT_EQ(route_v3("/v3/p/volumes").resource, Resource::Volumes);
  EXPECT_EQ(route_v3("/v3/p/volumes/detail").resource, Resource::VolumesDetail);
  auto volume = route_v3("/v3/p/volumes/abc");
  EXPECT_EQ(volume.resource, Resource::Volume);
  EXPECT_EQ(volume.id, "abc");
  auto action = route_v3("/v3/p/snapshots/s1/action");
  EXPECT_EQ(action.resource, Resource::SnapshotAction);
  EXPECT_EQ(action.id, "s1");
  EXPECT_TRUE(action.accepts("POST"));
  EXPECT_FALSE(action.accepts("GET"));
  EXPECT_EQ(route_v3("/v3/p/snapshots/").resource, Resource::Snapshots);
}

TEST(Routes, MetadataOfVolumesAndSnapshots) {
  auto collection = route_v3("/v3/p/snapshots/s1/metadata");
  EXPECT_EQ(collection.resource, Resource::SnapshotMetadata);
  EXPECT_EQ(collection.id, "s1");
  EXPECT_EQ(collection.methods, (std::vector<std::string>{"GET", "POST", "PUT"}));
  auto item = route_v3("/v3/volumes/v1/metadata/my key");
  EXPECT_EQ(item.resource, Resource::VolumeMetadataItem);
  EXPECT_EQ(item.project_id, "");
  EXPECT_EQ(item.id, "v1");
  EXPECT_EQ(item.key, "my key");
  EXPECT_EQ(item.methods, (std::vector<std::string>{"GET", "PUT", "DELETE"}));
  EXPECT_EQ(route_v3("/v3/p/volumes/v1/metadata").resource, Resource::VolumeMetadata);
  EXPECT_EQ(route_v3("/v3/p/snapshots/s1/metadata/k").resource, Resource::SnapshotMetadataItem);
  EXPECT_EQ(route_v3("/v3/p/snapshots/s1/metadata/k/x").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/manageable_snapshots/s1/metadata").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/volumes/v1/metadata//").resource, Resource::NotFound);
}

TEST(Routes, MembersOfManageResourcesAndUnknownPathsAreNotFound) {
  EXPECT_EQ(route_v3("/v3/p/manageable_snapshots/abc").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/os-snapshot-manage/abc").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/manageable_volumes/abc").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/widgets").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/volumes/a/b").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/manageable_snapshots/abc/action").resource, Resource::NotFound);
  EXPECT_EQ(route_v3("/v3/p/volumes//action").resource, Resource::NotFound);
}

}  // namespace
}  // namespace snapmgr::core::api
