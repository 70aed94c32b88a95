// SnapshotInspection.* and VolumeInspection.*: the read-only half of adoption. Every listed
// reference is accepted as it was listed (the list→inspect round trip Cinder vendor drivers
// often break: a listing that reports names adoption then refuses), inspection agrees with the
// listing, and references that are missing, malformed or of the wrong kind are InvalidReference
// — before the backend is touched, and never run by a shell.
#include <filesystem>

#include "checks/object_kinds.hpp"
#include "checks/registry.hpp"

namespace snapmgr::conformance {
namespace {

// Inspects every listed record with the reference (and volume reference) it was listed with and
// calls `on_accepted(listed, inspected)` for those accepted. A refusal is a failure only when
// `refusal_fails` (EveryListed*IsAccepted), so that one refused record is reported once.
template <class Kind, class OnAccepted>
void inspect_every_listed(BuiltinCheck& c, bool refusal_fails, OnAccepted on_accepted) {
  auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
  if (!records) return;
  for (const auto& r : *records) {
    auto inspected = Kind::inspect(c.driver(), c.kit().call(), r.reference, Kind::volume_reference_of(r));
    if (!inspected) {
      if (!refusal_fails) continue;
      ADD_FAILURE() << about(Kind::kNoun, r.reference)
                    << "listed, but inspection refused it: " << describe(inspected.error())
                    << " (expected every listed reference to be accepted as listed"
                    << (std::is_same_v<Kind, SnapshotKind> ? ", with its source_reference as volume_reference" : "")
                    << ")";
      continue;
    }
    on_accepted(r, *inspected);
  }
}

// The volume reference to pair with a made-up snapshot reference: a real one when possible, so
// that only the snapshot part is wrong.
StringMap some_volume_reference(BuiltinCheck& c) {
  if (has(c.kit().descriptor().capabilities, Capability::SnapshotDiscovery)) {
    auto records = SnapshotKind::list(c.driver(), c.kit().call());
    if (records && !records->empty()) return records->front().source_reference;
  }
  return StringMap{{"source-name", "snapmgr-conformance-volume"}};
}

template <class Kind>
void expect_invalid_reference(const StringMap& reference, const Result<typename Kind::Record>& result,
                              std::string_view why) {
  if (result) {
    ADD_FAILURE() << about(Kind::kNoun, reference) << why << ": inspection accepted it; expected InvalidReference";
  } else {
    EXPECT_EQ(result.error().code(), ErrorCode::InvalidReference)
        << about(Kind::kNoun, reference) << why << ": inspection returned " << describe(result.error())
        << "; expected InvalidReference";
  }
}

template <class Kind>
void register_inspection_checks_for(const DriverDescriptor& driver) {
  const std::string suite = std::string(Kind::kName) + "Inspection";
  const auto kind = CheckKind::ReadOnly;
  const bool listed = has(driver.capabilities, Kind::kDiscovery);

  if (listed) {
    add_check(suite, std::string("EveryListed") + std::string(Kind::kName) + "IsAccepted", kind,
              [](BuiltinCheck& c) { inspect_every_listed<Kind>(c, true, [](const auto&, const auto&) {}); });

    add_check(suite, "SizeMatchesTheListing", kind, [](BuiltinCheck& c) {
      inspect_every_listed<Kind>(c, false, [](const auto& listed_record, const auto& inspected) {
        EXPECT_EQ(inspected.size_bytes, listed_record.size_bytes)
            << about(Kind::kNoun, listed_record.reference) << "inspection reports " << inspected.size_bytes
            << " bytes, the listing " << listed_record.size_bytes << ": expected the same exact size";
      });
    });

    add_check(suite, "ReturnsTheListedReference", kind, [](BuiltinCheck& c) {
      inspect_every_listed<Kind>(c, false, [](const auto& listed_record, const auto& inspected) {
        EXPECT_EQ(inspected.reference, listed_record.reference)
            << about(Kind::kNoun, listed_record.reference) << "inspection returns reference "
            << describe(inspected.reference) << ": expected the canonical reference, the one listings report";
      });
    });

    add_check(suite, "ExpiredDeadlineReturnsPromptly", kind, [](BuiltinCheck& c) {
      auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
      if (!records) return;
      std::string error;
      auto instance = c.kit().new_driver(&error);
      ASSERT_TRUE(instance) << in_check() << "could not create an instance: " << error;
      const auto record = records->front();
      Call call = c.kit().call();
      call.deadline = Call::Clock::now() - std::chrono::seconds(1);
      const auto bound = c.kit().settings().return_bound;
      using Outcome = Result<typename Kind::Record>;
      auto outcome = run_bounded<Outcome>(
          [instance, call, record] {
            return Kind::inspect(*instance, call, record.reference, Kind::volume_reference_of(record));
          },
          bound);
      ASSERT_TRUE(outcome) << about(Kind::kNoun, record.reference) << "inspection with a passed deadline did not "
                           << "return within " << bound.count() << " ms: expected Timeout or a result";
      if (!outcome->ok()) {
        EXPECT_EQ(outcome->error().code(), ErrorCode::Timeout)
            << about(Kind::kNoun, record.reference) << "inspection with a passed deadline returned "
            << describe(outcome->error()) << ": expected Timeout (or a result)";
      }
    });
  }

  add_check(suite, "MissingReferenceIsInvalid", kind, [listed](BuiltinCheck& c) {
    StringMap missing{{"source-name", "snapmgr-conformance-missing"}};
    StringMap volume = some_volume_reference(c);
    if (listed) {
      auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
      if (!records) return;
      missing = missing_reference_like(records->front().reference);
      if constexpr (std::is_same_v<Kind, SnapshotKind>) volume = records->front().source_reference;
    }
    expect_invalid_reference<Kind>(missing, Kind::inspect(c.driver(), c.kit().call(), missing, volume),
                                   "names no object on the backend");
  });

  add_check(suite, "MalformedReferencesAreInvalid", kind, [](BuiltinCheck& c) {
    const std::string scratch = c.kit().scratch_dir();
    const StringMap volume = some_volume_reference(c);
    for (const auto& bad : malformed_references(scratch)) {
      expect_invalid_reference<Kind>(bad.reference, Kind::inspect(c.driver(), c.kit().call(), bad.reference, volume),
                                     bad.why);
    }
    EXPECT_FALSE(std::filesystem::exists(shell_probe_path(scratch)))
        << in_check() << "a reference holding a shell command created " << shell_probe_path(scratch)
        << ": expected references never to reach a shell (use the CommandRunner's argv)";
  });

  if constexpr (std::is_same_v<Kind, SnapshotKind>) {
    if (listed) {
      add_check(suite, "OtherVolumeIsInvalid", kind, [](BuiltinCheck& c) {
        auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
        if (!records) return;
        const auto& snapshot = records->front();
        // Another real origin if the backend has one, else a volume that does not exist.
        StringMap other = missing_reference_like(snapshot.source_reference);
        for (const auto& r : *records)
          if (r.source_reference != snapshot.source_reference && !r.source_reference.empty())
            other = r.source_reference;
        expect_invalid_reference<Kind>(snapshot.reference,
                                       Kind::inspect(c.driver(), c.kit().call(), snapshot.reference, other),
                                       "inspected with volume_reference " + describe(other) +
                                           ", which is not its origin " + describe(snapshot.source_reference));
      });
    }
  }
}

// A listed object of one kind offered as the other kind.
template <class Offered, class Listed>
void register_wrong_kind(const std::string& suite, const std::string& name) {
  add_check(suite, name, CheckKind::ReadOnly, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Listed>(c.driver(), c.kit().call());
    if (!records) return;
    const StringMap& reference = records->front().reference;
    StringMap volume_reference = reference;  // for a volume offered as a snapshot: "its own origin"
    expect_invalid_reference<Offered>(
        reference, Offered::inspect(c.driver(), c.kit().call(), reference, volume_reference),
        "is a listed " + std::string(Listed::kNoun) + ", not a " + std::string(Offered::kNoun));
  });
}

}  // namespace

void register_snapshot_inspection_checks(const DriverDescriptor& driver) {
  register_inspection_checks_for<SnapshotKind>(driver);
  if (has(driver.capabilities, Capability::VolumeDiscovery)) {
    register_wrong_kind<SnapshotKind, VolumeKind>("SnapshotInspection", "VolumeIsNotASnapshot");
  }
}

void register_volume_inspection_checks(const DriverDescriptor& driver) {
  register_inspection_checks_for<VolumeKind>(driver);
  if (has(driver.capabilities, Capability::SnapshotDiscovery)) {
    register_wrong_kind<VolumeKind, SnapshotKind>("VolumeInspection", "SnapshotIsNotAVolume");
  }
}

}  // namespace snapmgr::conformance
