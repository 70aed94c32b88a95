// SnapshotRoundTrip.*, VolumeRoundTrip.*, SnapshotRelease.*, VolumeRelease.*: the checks that change the backend
// (destructive: each starts from a reset backend and a fresh driver instance). Every listed
// object is adopted as listed; the provider reference adopt returns is what the next listing
// reports for that object; adoption neither creates nor deletes objects; a second adoption of
// the same object under another id fails, a repeat under the same id succeeds; rejected
// adoptions change nothing; release leaves the object in place (and a released volume can be
// adopted again, as the host lets it be).
#include <filesystem>
#include <map>
#include <set>

#include "checks/object_kinds.hpp"
#include "checks/registry.hpp"
#include "host/capability_gate.hpp"

namespace snapmgr::conformance {
namespace {

// Reference → size: what a listing says exists.
template <class Record>
std::map<std::string, std::uint64_t> inventory(const std::vector<Record>& records) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& r : records) out[describe(r.reference)] = r.size_bytes;
  return out;
}

// A record safe to adopt in any backend: not in use, if there is one.
template <class Record>
const Record& first_idle(const std::vector<Record>& records) {
  for (const auto& r : records)
    if (!r.in_use) return r;
  return records.front();
}

template <class Kind>
void register_round_trip_checks_for() {
  const std::string suite = std::string(Kind::kName) + "RoundTrip";
  const auto kind = CheckKind::Destructive;

  add_check(suite, std::string("EveryListed") + std::string(Kind::kName) + "IsAdopted", kind, [](BuiltinCheck& c) {
    auto before = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!before) return;
    std::vector<std::pair<typename Kind::Record, StringMap>> adopted;  // listed record, provider reference
    std::set<std::string> returned;
    for (const auto& r : *before) {
      auto provider = Kind::adopt(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r), new_uuid());
      if (!provider) {
        if (provider.error().code() == ErrorCode::InUse && r.in_use) continue;  // honest about its user
        ADD_FAILURE() << about(Kind::kNoun, r.reference)
                      << "listed, but adoption refused it: " << describe(provider.error())
                      << " (expected every listed reference to be adoptable as listed)";
        continue;
      }
      EXPECT_FALSE(provider->empty()) << about(Kind::kNoun, r.reference)
                                      << "adopt returned an empty provider reference: expected the object's reference";
      EXPECT_TRUE(returned.insert(describe(*provider)).second)
          << about(Kind::kNoun, r.reference) << "adopt returned " << describe(*provider)
          << ", already returned for another object: expected one reference per object";
      adopted.emplace_back(r, *provider);
    }
    auto after = listing<Kind>(c.driver(), c.kit().call());
    if (!after) return;
    EXPECT_EQ(after->size(), before->size())
        << in_check() << "the listing had " << before->size() << " " << Kind::kPlural << " before adoption and "
        << after->size() << " after: expected adoption neither to create nor to delete objects";
    for (const auto& [r, provider] : adopted) {
      const auto* now = find_record(*after, provider);
      if (!now) {
        ADD_FAILURE() << about(Kind::kNoun, r.reference) << "adopt returned " << describe(provider)
                      << ", but the next listing does not report it: expected the listing to report the object "
                         "under the reference adopt returned";
        continue;
      }
      EXPECT_EQ(now->size_bytes, r.size_bytes) << about(Kind::kNoun, r.reference) << "size changed by adoption";
      if (provider != r.reference) {
        EXPECT_EQ(find_record(*after, r.reference), nullptr)
            << about(Kind::kNoun, r.reference) << "was adopted as " << describe(provider)
            << ", yet is still listed under its old reference: expected one record per object";
      }
    }
  });

  add_check(suite, "AdoptingTwiceFails", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    const auto r = first_idle(*records);
    auto first = Kind::adopt(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r), new_uuid());
    ASSERT_TRUE(first) << about(Kind::kNoun, r.reference) << "first adoption failed: " << describe(first.error())
                       << " (expected it to succeed)";
    auto second = Kind::adopt(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r), new_uuid());
    EXPECT_FALSE(second) << about(Kind::kNoun, r.reference) << "adopted a second time (as "
                         << (second ? describe(*second) : "") << "): expected the second adoption of the same "
                         << "object to fail (InvalidReference or AlreadyManaged)";
    auto after = listing<Kind>(c.driver(), c.kit().call());
    if (!after) return;
    EXPECT_NE(find_record(*after, *first), nullptr)
        << about(Kind::kNoun, r.reference) << "after the second attempt the listing no longer reports "
        << describe(*first) << ": expected the first adoption to stand";
  });

  // The host repeats an adoption with the same id after it crashed between the backend's change
  // and its own record (capabilities.hpp): the repeat must succeed with the same reference.
  add_check(suite, "RepeatingAnAdoptionWithTheSameIdSucceeds", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    const auto r = first_idle(*records);
    const std::string id = new_uuid();
    auto first = Kind::adopt(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r), id);
    ASSERT_TRUE(first) << about(Kind::kNoun, r.reference) << "first adoption failed: " << describe(first.error())
                       << " (expected it to succeed)";
    auto again = Kind::adopt(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r), id);
    ASSERT_TRUE(again) << about(Kind::kNoun, r.reference) << "repeating the adoption with the same id " << id
                       << " returned " << describe(again.error())
                       << ": expected adoption to be idempotent for the id it already belongs to";
    EXPECT_EQ(describe(*again), describe(*first))
        << about(Kind::kNoun, r.reference) << "the repeated adoption returned a different provider reference";
    auto after = listing<Kind>(c.driver(), c.kit().call());
    if (!after) return;
    EXPECT_EQ(after->size(), records->size())
        << in_check() << "the repeated adoption changed the number of listed objects";
  });

  add_check(suite, "RejectedAdoptionsChangeNothing", kind, [](BuiltinCheck& c) {
    auto before = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!before) return;
    const std::string scratch = c.kit().scratch_dir();
    auto rejected = malformed_references(scratch);
    rejected.push_back({"names no object on the backend", missing_reference_like(before->front().reference)});
    const StringMap volume = Kind::volume_reference_of(before->front());
    for (const auto& bad : rejected) {
      auto result = Kind::adopt(c.driver(), c.kit().call(), bad.reference, volume, new_uuid());
      if (result) {
        ADD_FAILURE() << about(Kind::kNoun, bad.reference) << bad.why << ": adoption accepted it (as "
                      << describe(*result) << "); expected InvalidReference";
      } else {
        EXPECT_EQ(result.error().code(), ErrorCode::InvalidReference)
            << about(Kind::kNoun, bad.reference) << bad.why << ": adoption returned " << describe(result.error())
            << "; expected InvalidReference";
      }
    }
    EXPECT_FALSE(std::filesystem::exists(shell_probe_path(scratch)))
        << in_check() << "a reference holding a shell command created " << shell_probe_path(scratch)
        << ": expected references never to reach a shell";
    auto after = listing<Kind>(c.driver(), c.kit().call());
    if (!after) return;
    EXPECT_EQ(inventory(*after), inventory(*before))
        << in_check() << "the listing changed after adoptions that were all rejected: expected nothing to change";
  });
}

void register_release() {
  add_check("SnapshotRelease", "LeavesTheObjectListed", CheckKind::Destructive, [](BuiltinCheck& c) {
    auto records = non_empty_listing<SnapshotKind>(c.driver(), c.kit().call());
    if (!records) return;
    const auto r = first_idle(*records);
    const std::string id = new_uuid();
    auto provider = SnapshotKind::adopt(c.driver(), c.kit().call(), r.reference, r.source_reference, id);
    ASSERT_TRUE(provider) << about("snapshot", r.reference) << "adoption failed: " << describe(provider.error());
    Status released = [&] {
      BoundaryScope scope("SnapshotRelease::release_snapshot", "snapshot " + describe(*provider));
      return c.driver().snapshot_release()->release_snapshot(c.kit().call(), *provider, id);
    }();
    ASSERT_TRUE(released) << about("snapshot", *provider) << "release failed: " << describe(released.error())
                          << " (expected success)";
    auto after = listing<SnapshotKind>(c.driver(), c.kit().call());
    if (!after) return;
    const auto* still = find_record(*after, *provider);
    EXPECT_NE(still, nullptr) << about("snapshot", *provider)
                              << "no longer listed after release: expected release never to delete the object";
    if (still) {
      EXPECT_EQ(still->size_bytes, r.size_bytes) << about("snapshot", *provider) << "size changed by release";
    }
  });
}

void register_volume_release() {
  add_check("VolumeRelease", "LeavesTheObjectListedAndAdoptable", CheckKind::Destructive, [](BuiltinCheck& c) {
    auto records = non_empty_listing<VolumeKind>(c.driver(), c.kit().call());
    if (!records) return;
    const auto r = first_idle(*records);
    const std::string id = new_uuid();
    auto provider = VolumeKind::adopt(c.driver(), c.kit().call(), r.reference, {}, id);
    ASSERT_TRUE(provider) << about("volume", r.reference) << "adoption failed: " << describe(provider.error());
    auto* release = core::capability<Capability::VolumeRelease>(c.driver(), c.kit().descriptor().header.abi_minor);
    ASSERT_NE(release, nullptr) << in_check() << "volume-release is declared, yet the driver does not provide it";
    Status released = [&] {
      BoundaryScope scope("VolumeRelease::release_volume", "volume " + describe(*provider));
      return release->release_volume(c.kit().call(), *provider, id);
    }();
    ASSERT_TRUE(released) << about("volume", *provider) << "release failed: " << describe(released.error())
                          << " (expected success)";
    auto after = listing<VolumeKind>(c.driver(), c.kit().call());
    if (!after) return;
    const auto* still = find_record(*after, *provider);
    ASSERT_NE(still, nullptr) << about("volume", *provider)
                              << "no longer listed after release: expected release never to delete the object";
    EXPECT_EQ(still->size_bytes, r.size_bytes) << about("volume", *provider) << "size changed by release";
    auto again = VolumeKind::adopt(c.driver(), c.kit().call(), *provider, {}, new_uuid());
    EXPECT_TRUE(again) << about("volume", *provider) << "adopting the released volume under a new id failed: "
                       << (again ? "" : describe(again.error()))
                       << " (expected a released volume to be adoptable again, as after Cinder's unmanage)";
  });
}

}  // namespace

void register_round_trip_checks(const DriverDescriptor& driver) {
  const auto caps = driver.capabilities;
  const bool snapshots = has(caps, Capability::SnapshotDiscovery) && has(caps, Capability::SnapshotAdoption);
  if (snapshots) register_round_trip_checks_for<SnapshotKind>();
  if (has(caps, Capability::VolumeDiscovery) && has(caps, Capability::VolumeAdoption))
    register_round_trip_checks_for<VolumeKind>();
  if (snapshots && has(caps, Capability::SnapshotRelease)) register_release();
  const bool volumes = has(caps, Capability::VolumeDiscovery) && has(caps, Capability::VolumeAdoption);
  if (volumes && has(caps, Capability::VolumeRelease)) register_volume_release();
}

}  // namespace snapmgr::conformance
