// The conformance kit's checks plus one of imagedir's own. Run it like snapmgr-conformance:
//   imagedir-conformance --driver libsnapmgr_imagedir.so
//       --options conformance/options.yaml --fixture-hook conformance/hook
#include <snapmgr/conformance/check.hpp>
#include <snapmgr/conformance/runner.hpp>

namespace {

using namespace snapmgr::conformance;

// A destructive check: the kit resets the backend through the hook first and hands it a fresh
// driver instance.
class ImageDir : public DestructiveCheck {};

TEST_F(ImageDir, AdoptedSnapshotsStayNextToTheirVolume) {
  auto listing = [&] {
    BoundaryScope scope("SnapshotDiscovery::list_snapshots");
    return snapmgr::list_snapshots(*driver().snapshot_discovery(), kit().call());
  }();
  ASSERT_TRUE(listing) << in_check() << listing.error().message();
  for (const auto& snapshot : *listing) {
    BoundaryScope scope("SnapshotAdoption::adopt_snapshot", describe(snapshot.reference));
    auto adopted = driver().snapshot_adoption()->adopt_snapshot(
        kit().call(), snapshot.reference, snapshot.source_reference, "0d5a7d0e-4b4f-4a8e-9c43-52d1b0c3f6a1");
    ASSERT_TRUE(adopted) << about("snapshot", snapshot.reference) << adopted.error().message();
    const std::string prefix = *snapshot.source_reference.find("source-name") + "@snapshot-";
    EXPECT_EQ(adopted->find("source-name")->rfind(prefix, 0), 0u)
        << about("snapshot", snapshot.reference) << "adopted as " << describe(*adopted) << ": expected a name "
        << "starting with " << prefix;
    break;  // one is enough: the kit's SnapshotRoundTrip checks adopt them all
  }
}

}  // namespace

int main(int argc, char** argv) { return snapmgr::conformance::run(argc, argv); }
