// The conformance kit run on the deliberately broken driver (broken_driver.cpp): without
// breakages every check passes; with each breakage the kit fails, and its report names the
// checks that must fail, the record and what was expected. Each case runs the real
// snapmgr-conformance program.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kit_process.hpp"

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Case {
  std::string name;
  std::string options;                  // the options file
  int exit_code;                        // expected exit status of the kit
  std::vector<std::string> failed;      // checks that must be reported FAILED
  std::vector<std::string> says;        // text the report must contain
  std::vector<std::string> kit_args{};  // extra arguments
  std::string module = "broken";
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class KitOnBrokenDriver : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("snapmgr-conformance-test-" + std::to_string(::getpid()) + "-" + GetParam().name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(KitOnBrokenDriver, ReportsTheExpectedChecks) {
  const Case& c = GetParam();
  const auto options = dir_ / "options.yaml";
  std::ofstream(options) << c.options;
  std::vector<std::string> argv{SNAPMGR_CONFORMANCE_KIT, "--driver",
                                std::string(SNAPMGR_BROKEN_DRIVER_DIR) + "/libsnapmgr_" + c.module + ".so", "--options",
                                options.string()};
  argv.insert(argv.end(), c.kit_args.begin(), c.kit_args.end());
  auto run = run_program(argv);

  EXPECT_EQ(run.exit_code, c.exit_code) << run.output;
  for (const auto& check : c.failed) EXPECT_THAT(run.output, HasSubstr("[  FAILED  ] " + check)) << run.output;
  for (const auto& text : c.says) EXPECT_THAT(run.output, HasSubstr(text));
  if (c.exit_code == 0) {
    EXPECT_THAT(run.output, Not(HasSubstr("FAILED")));
  }
}

std::string breakages(const std::string& list) { return "breakages: [" + list + "]\n"; }

const Case kCases[] = {
    {"Baseline", breakages(""), 0, {}, {"[  PASSED  ] 56 tests."}},
    // --isolation process: the same checks through driver workers; a driver that crashes takes
    // down its worker, not the check process, and the checks that called it fail, naming why.
    {"BaselineInWorkers",
     breakages(""),
     0,
     {},
     {"[  PASSED  ] 56 tests.", "isolation: process (each driver instance in a worker process of its own)"},
     {"--isolation", "process"}},
    {"AbortInAWorkerFailsTheChecksThatCalledIt",
     breakages("abort_in_list_volumes"),
     1,
     {"VolumeListing.ReturnsObjects"},
     {"the driver's worker (pid ", "was killed by signal 6 (SIGABRT) during listing volumes"},
     {"--isolation", "process"}},
    // The brief's trio: a listed reference inspection refuses, a size of 0, and an exception
    // escaping a noexcept method (the kit's terminate handler names the check and the call).
    {"ListedButRefusedZeroSizeAndThrow",
     breakages("zero_size, refuse_listed, throw_in_list_volumes"),
     3,
     {"SnapshotListing.SizesArePositive", "SnapshotInspection.EveryListedSnapshotIsAccepted",
      "SnapshotInspection.VolumeIsNotASnapshot"},
     {R"([SnapshotListing.SizesArePositive] snapshot {"source-name":"snap-2"}: expected size_bytes > 0)",
      R"([SnapshotInspection.EveryListedSnapshotIsAccepted] snapshot {"source-name":"snap-3"}: )"
      R"(listed, but inspection refused it: InvalidReference)",
      "FATAL: exception of type std::runtime_error: volume listing exploded escaped a noexcept driver method: "
      "VolumeDiscovery::list_volumes in check SnapshotInspection.VolumeIsNotASnapshot"}},
    {"DuplicateReference",
     breakages("duplicate_reference"),
     1,
     {"SnapshotListing.ReferencesAreUnique"},
     {R"(snapshot {"source-name":"snap-1"}: listed more than once)"}},
    {"EmptySourceReference",
     breakages("empty_source_reference"),
     1,
     {"SnapshotListing.SourceReferencesAreSet"},
     {R"(snapshot {"source-name":"snap-1"}: expected a non-empty source_reference)"}},
    {"BadExtraInfo",
     breakages("bad_extra_info"),
     1,
     {"SnapshotListing.ExtraInfoIsWellFormed"},
     {"extra_info has an empty key"}},
    {"EmptyReason",
     breakages("empty_reason"),
     1,
     {"SnapshotListing.ReasonIsNonEmptyWhenGiven"},
     {"reason is set but empty"}},
    {"InspectSizeDiffers",
     breakages("inspect_size_differs"),
     1,
     {"SnapshotInspection.SizeMatchesTheListing"},
     {R"(snapshot {"source-name":"snap-1"}: inspection reports 536875008 bytes, the listing 536870912)"}},
    {"InspectOtherReference",
     breakages("inspect_other_reference"),
     1,
     {"SnapshotInspection.ReturnsTheListedReference"},
     {"expected the canonical reference"}},
    {"AcceptMalformed",
     breakages("accept_malformed"),
     1,
     {"SnapshotInspection.MissingReferenceIsInvalid", "SnapshotInspection.MalformedReferencesAreInvalid",
      "VolumeInspection.MalformedReferencesAreInvalid", "SnapshotRoundTrip.RejectedAdoptionsChangeNothing",
      "VolumeRoundTrip.RejectedAdoptionsChangeNothing"},
     {R"(snapshot {"source-name":"../x"}: a path escape: inspection returned BackendError)",
      "10,000 characters: inspection returned BackendError", "expected InvalidReference"}},
    {"StaleAdoptedReference",
     breakages("stale_adopted_reference"),
     1,
     {"SnapshotRoundTrip.EveryListedSnapshotIsAdopted"},
     {R"(adopt returned {"source-name":"snap-1"}, but the next listing does not report it)"}},
    {"AdoptTwice",
     breakages("adopt_twice"),
     1,
     {"SnapshotRoundTrip.AdoptingTwiceFails"},
     {"expected the second adoption of the same object to fail"}},
    {"AdoptNotIdempotent",
     breakages("adopt_not_idempotent"),
     1,
     {"SnapshotRoundTrip.RepeatingAnAdoptionWithTheSameIdSucceeds",
      "VolumeRoundTrip.RepeatingAnAdoptionWithTheSameIdSucceeds"},
     {"expected adoption to be idempotent for the id it already belongs to"}},
    {"ReleaseDeletes",
     breakages("release_deletes"),
     1,
     {"SnapshotRelease.LeavesTheObjectListed"},
     {"no longer listed after release"}},
    {"UnstableListing",
     breakages("unstable_listing"),
     1,
     {"SnapshotListing.IsStableAcrossCalls"},
     {"two listings of an unchanged backend differ"}},
    {"ThreadDependentListing",
     breakages("thread_dependent_listing"),
     1,
     {"SnapshotListing.ConcurrentListingsAgree"},
     {"differs from a single listing", R"(missing: {"source-name":"snap-3"})"}},
    {"IgnoresDeadline",
     breakages("ignore_deadline"),
     1,
     {"SnapshotListing.ExpiredDeadlineReturnsPromptly", "SnapshotListing.ShortDeadlineReturnsPromptly"},
     {"did not return within 500 ms"},
     {"--return-bound-ms=500"}},
    {"WrongTimeoutCode",
     breakages("wrong_timeout_code"),
     1,
     {"SnapshotListing.ExpiredDeadlineReturnsPromptly", "VolumeListing.ExpiredDeadlineReturnsPromptly",
      "SnapshotInspection.ExpiredDeadlineReturnsPromptly"},
     {"returned BackendError: the deadline has passed: expected Timeout"}},
    {"AcceptOtherVolume",
     breakages("accept_other_volume"),
     1,
     {"SnapshotInspection.OtherVolumeIsInvalid"},
     {R"(inspected with volume_reference {"source-name":"vol-b"}, which is not its origin)"}},
    {"BrokenDescriptor",
     "required_with_default: 1\n",
     1,
     {"Descriptor.NameIsUsable", "Descriptor.VendorAndVersionAreSet", "Descriptor.HeaderMatchesTheHost",
      "Descriptor.CapabilitiesAreKnown", "Descriptor.OptionKeysAreUnique", "Descriptor.OptionKeysAreWellFormed",
      "Descriptor.OptionDescriptionsAreNonEmpty", "Descriptor.OptionDefaultsHaveDeclaredType",
      "Descriptor.RequiredOptionsHaveNoDefault", "Capabilities.UndeclaredOnesAreAbsent"},
     {"option 'twice': declared twice", "option 'wrong_default': the default does not have the declared type integer",
      "snapshot-release on the shared instance, ask 1: not declared in the descriptor, so expected nullptr"},
     {},
     "broken_descriptor"},
    // The kit refuses to start on options snapmgrd would refuse, naming file, line and key.
    {"OptionsValidatedAsTheHostDoes",
     "breakages: []\ncolour: blue\n",
     2,
     {},
     {"options.yaml:2: options.colour: driver 'broken' does not accept this option (accepted: breakages)"}},
    {"FactoryFailure",
     breakages("no_such_breakage"),
     2,
     {},
     {"cannot create the driver: driver 'broken'", "initialisation failed: InvalidConfig: breakages: unknown entry"}},
    {"GoogleTestFlagsWork",
     breakages("zero_size"),
     0,
     {},
     {"[  PASSED  ] 17 tests."},
     {"--gtest_filter=SnapshotInspection.*:Descriptor.*"}},
};

INSTANTIATE_TEST_SUITE_P(Cases, KitOnBrokenDriver, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace snapmgr::testing
