// SnapshotListing.* and VolumeListing.*: what a driver lists is well formed, stable, consistent
// under concurrency, and a listing returns promptly once its deadline has passed. The host
// rounds, aggregates, sorts and pages these records for every driver the same way, so a record
// that breaks a rule here breaks the API for every client.
#include <latch>
#include <set>

#include "checks/object_kinds.hpp"
#include "checks/registry.hpp"

namespace snapmgr::conformance {
namespace {

// Listings concurrently in flight in ConcurrentListingsAgree.
constexpr int kConcurrentListings = 8;

bool is_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t extra = lead < 0x80             ? 0
                              : (lead & 0xe0) == 0xc0 ? 1
                              : (lead & 0xf0) == 0xe0 ? 2
                              : (lead & 0xf8) == 0xf0 ? 3
                                                      : 4;
    if (extra == 4 || (extra > 0 && i + extra >= s.size())) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

// Printable text that survives JSON and the operator's terminal: UTF-8, no control characters.
bool is_clean_text(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return is_utf8(s);
}

// What must not change between two listings of an unchanged backend.
template <class Record>
std::set<std::string> fingerprints(const std::vector<Record>& records) {
  std::set<std::string> out;
  for (const auto& r : records) {
    std::string f = describe(r.reference) + " size " + std::to_string(r.size_bytes);
    if constexpr (requires { r.source_reference; }) f += " of " + describe(r.source_reference);
    out.insert(f);
  }
  return out;
}

std::string difference(const std::set<std::string>& expected, const std::set<std::string>& found) {
  std::string text;
  for (const auto& e : expected)
    if (!found.count(e)) text += "\n  missing: " + e;
  for (const auto& f : found)
    if (!expected.count(f)) text += "\n  unexpected: " + f;
  return text;
}

template <class Kind>
void check_reference_is_well_formed(std::string_view what, const typename Kind::Record& r, const StringMap& reference) {
  EXPECT_FALSE(reference.empty()) << about(Kind::kNoun, r.reference) << "expected a non-empty " << what;
  for (const auto& [key, value] : reference) {
    EXPECT_FALSE(key.empty() || value.empty())
        << about(Kind::kNoun, r.reference) << what << " has an empty key or value: expected non-empty strings";
    EXPECT_TRUE(is_clean_text(key) && is_clean_text(value))
        << about(Kind::kNoun, r.reference) << what << " key '" << key
        << "': expected printable UTF-8 without control characters";
  }
}

// A listing made with `deadline_from_now` (negative: already expired) returns within the bound,
// with a listing or Timeout.
template <class Kind>
void check_prompt_return(BuiltinCheck& check, std::chrono::milliseconds deadline_from_now) {
  std::string error;
  auto instance = check.kit().new_driver(&error);
  ASSERT_TRUE(instance) << in_check() << "could not create an instance: " << error;
  Call call = check.kit().call();
  call.deadline = Call::Clock::now() + deadline_from_now;
  const auto bound = check.kit().settings().return_bound;
  using Outcome = Result<std::vector<typename Kind::Record>>;
  auto outcome = run_bounded<Outcome>([instance, call] { return Kind::list(*instance, call); }, bound);
  ASSERT_TRUE(outcome) << in_check() << "listing " << Kind::kPlural << " with a deadline " << deadline_from_now.count()
                       << " ms from now did not return within " << bound.count()
                       << " ms: expected Timeout or a listing (pass call.remaining() to anything that blocks)";
  if (!outcome->ok()) {
    EXPECT_EQ(outcome->error().code(), ErrorCode::Timeout)
        << in_check() << "listing with a passed deadline returned " << describe(outcome->error())
        << ": expected Timeout (or a listing)";
  }
}

template <class Kind>
void register_listing_checks_for() {
  const std::string suite = std::string(Kind::kName) + "Listing";
  const auto kind = CheckKind::ReadOnly;
  using Record = typename Kind::Record;

  add_check(suite, "ReturnsObjects", kind,
            [](BuiltinCheck& c) { (void)non_empty_listing<Kind>(c.driver(), c.kit().call()); });

  add_check(suite, "ReferencesAreWellFormed", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    for (const auto& r : *records) check_reference_is_well_formed<Kind>("reference", r, r.reference);
  });

  add_check(suite, "ReferencesAreUnique", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    std::set<std::string> seen;
    for (const auto& r : *records) {
      EXPECT_TRUE(seen.insert(describe(r.reference)).second)
          << about(Kind::kNoun, r.reference) << "listed more than once: expected each reference once per listing";
    }
  });

  add_check(suite, "SizesArePositive", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    for (const auto& r : *records) {
      EXPECT_GT(r.size_bytes, 0u) << about(Kind::kNoun, r.reference)
                                  << "expected size_bytes > 0 (the exact size in bytes), found 0";
    }
  });

  if constexpr (std::is_same_v<Kind, SnapshotKind>) {
    add_check(suite, "SourceReferencesAreSet", kind, [](BuiltinCheck& c) {
      auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
      if (!records) return;
      for (const auto& r : *records) check_reference_is_well_formed<Kind>("source_reference", r, r.source_reference);
    });
  }

  add_check(suite, "ExtraInfoIsWellFormed", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    for (const auto& r : *records) {
      for (const auto& [key, value] : r.extra_info) {
        EXPECT_FALSE(key.empty()) << about(Kind::kNoun, r.reference) << "extra_info has an empty key: expected names";
        EXPECT_TRUE(is_utf8(key) && is_utf8(value)) << about(Kind::kNoun, r.reference) << "extra_info '" << key
                                                    << "': expected UTF-8 strings (they become JSON)";
      }
    }
  });

  add_check(suite, "ReasonIsNonEmptyWhenGiven", kind, [](BuiltinCheck& c) {
    auto records = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!records) return;
    for (const auto& r : *records) {
      if (r.reason) {
        EXPECT_FALSE(r.reason->empty()) << about(Kind::kNoun, r.reference)
                                        << "reason is set but empty: expected a text or no reason (std::nullopt)";
      }
    }
  });

  add_check(suite, "IsStableAcrossCalls", kind, [](BuiltinCheck& c) {
    auto first = non_empty_listing<Kind>(c.driver(), c.kit().call());
    auto second = listing<Kind>(c.driver(), c.kit().call());
    if (!first || !second) return;
    const auto expected = fingerprints(*first);
    const auto found = fingerprints(*second);
    EXPECT_EQ(expected, found) << in_check() << "two listings of an unchanged backend differ (reference, size, "
                               << "source): expected the same records" << difference(expected, found);
  });

  add_check(suite, "ConcurrentListingsAgree", kind, [](BuiltinCheck& c) {
    auto baseline = non_empty_listing<Kind>(c.driver(), c.kit().call());
    if (!baseline) return;
    const auto expected = fingerprints(*baseline);
    std::shared_ptr<Driver> instance = c.driver_ptr();
    auto start = std::make_shared<std::latch>(kConcurrentListings);
    std::vector<std::future<Result<std::vector<Record>>>> results;
    for (int i = 0; i < kConcurrentListings; ++i) {
      auto task =
          std::make_shared<std::packaged_task<Result<std::vector<Record>>()>>([instance, start, call = c.kit().call()] {
            start->arrive_and_wait();
            return Kind::list(*instance, call);
          });
      results.push_back(task->get_future());
      std::thread([task] { (*task)(); }).detach();
    }
    const auto until = Call::Clock::now() + c.kit().settings().call_timeout + c.kit().settings().return_bound;
    for (int i = 0; i < kConcurrentListings; ++i) {
      if (results[static_cast<std::size_t>(i)].wait_until(until) != std::future_status::ready) {
        ADD_FAILURE() << in_check() << "listing " << i + 1 << " of " << kConcurrentListings
                      << " concurrent listings did not return before its deadline: expected every call to "
                         "return (a deadlock between concurrent calls?)";
        continue;
      }
      auto result = results[static_cast<std::size_t>(i)].get();
      if (!result) {
        ADD_FAILURE() << in_check() << "concurrent listing " << i + 1 << " failed: " << describe(result.error())
                      << " (expected the same listing as a single call)";
        continue;
      }
      const auto found = fingerprints(*result);
      EXPECT_EQ(expected, found) << in_check() << "concurrent listing " << i + 1 << " of " << kConcurrentListings
                                 << " differs from a single listing: expected the same records"
                                 << difference(expected, found);
    }
  });

  add_check(suite, "ExpiredDeadlineReturnsPromptly", kind,
            [](BuiltinCheck& c) { check_prompt_return<Kind>(c, std::chrono::milliseconds(-1000)); });

  add_check(suite, "ShortDeadlineReturnsPromptly", kind,
            [](BuiltinCheck& c) { check_prompt_return<Kind>(c, std::chrono::milliseconds(1)); });
}

}  // namespace

void register_snapshot_listing_checks() { register_listing_checks_for<SnapshotKind>(); }
void register_volume_listing_checks() { register_listing_checks_for<VolumeKind>(); }

}  // namespace snapmgr::conformance
