// A deliberately broken driver, to show that the conformance kit fails where it should.
//
// Without breakages it is a small, correct in-memory driver (2 volumes, 3 snapshots; adoption
// renames as LVM does) that passes every check — the baseline. Its `breakages:` option switches
// on one fault per entry, each the kind of bug real drivers ship (see kBreakages); the kit's
// test (kit_failures_test.cpp) runs the kit with each and asserts which checks fail.
// Built a second time with BROKEN_DESCRIPTOR: a descriptor the loader accepts but the
// Descriptor.* checks must not, and an undeclared capability that appears after the loader's look.
//
// Thread-safety: one mutex guards the inventory.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "snapmgr/sdk.hpp"

namespace broken {
using namespace snapmgr;

// 1-128 of A-Z a-z 0-9 _ . -, not starting with '.' or '-'.
bool valid_name(const std::string& s) {
  auto word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  return !s.empty() && s.size() <= 128 && word(s[0]) &&
         std::all_of(s.begin() + 1, s.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

constexpr std::uint64_t kMiB = 1ULL << 20;

const std::set<std::string> kBreakages = {
    "zero_size",                 // a snapshot is listed with size 0
    "refuse_listed",             // snap-3 is listed but inspect/adopt refuse it
    "throw_in_list_volumes",     // an exception escapes the noexcept list_volumes
    "abort_in_list_volumes",     // list_volumes crashes the process (SIGABRT)
    "duplicate_reference",       // snap-1 is listed twice
    "empty_source_reference",    // snap-1 has no source_reference
    "bad_extra_info",            // extra_info with an empty key
    "empty_reason",              // a reason that is set but empty
    "inspect_size_differs",      // inspection adds 4096 bytes
    "inspect_other_reference",   // inspection returns a reference the listing does not use
    "accept_malformed",          // no reference validation; unknown names are a BackendError
    "stale_adopted_reference",   // adopt renames but returns the old reference
    "adopt_twice",               // the old name keeps working after adoption
    "adopt_not_idempotent",      // repeating an adoption under the same id fails
    "release_deletes",           // release deletes the snapshot
    "unstable_listing",          // every second listing loses a snapshot
    "thread_dependent_listing",  // only the first calling thread sees every snapshot
    "ignore_deadline",           // listing snapshots sleeps 3 s when the deadline is (nearly) gone
    "wrong_timeout_code",        // a passed deadline is answered BackendError, not Timeout
    "accept_other_volume",       // inspection does not check the snapshot's origin
};

struct Object {
  std::string name;
  std::uint64_t size;
  std::string origin;  // snapshots
  bool in_use = false;
};

[[noreturn]] void explode() { throw std::runtime_error("volume listing exploded"); }

class BrokenDriver final : public Driver,
                           public SnapshotDiscovery,
                           public SnapshotAdoption,
                           public SnapshotRelease,
                           public VolumeDiscovery,
                           public VolumeAdoption {
 public:
  explicit BrokenDriver(std::set<std::string> breakages) : breakages_(std::move(breakages)) {}

  static Result<std::unique_ptr<Driver>> create(const DriverContext& context) {
    std::set<std::string> breakages;
    if (const auto* list = context.options.find("breakages"); list && list->is_list()) {
      for (const auto& item : list->as_list()) {
        if (!item.is_string() || !kBreakages.count(item.as_string()))
          return Error::invalid_config("breakages: unknown entry (line " + std::to_string(item.line()) + ")");
        breakages.insert(item.as_string());
      }
    }
    return std::unique_ptr<Driver>(std::make_unique<BrokenDriver>(std::move(breakages)));
  }

  SnapshotDiscovery* snapshot_discovery() noexcept override { return this; }
  SnapshotAdoption* snapshot_adoption() noexcept override { return this; }
#ifdef BROKEN_DESCRIPTOR
  // Undeclared; absent the first time (when the loader looks), present afterwards.
  SnapshotRelease* snapshot_release() noexcept override { return release_asks_++ == 0 ? nullptr : this; }
#else
  SnapshotRelease* snapshot_release() noexcept override { return this; }
#endif
  VolumeDiscovery* volume_discovery() noexcept override { return this; }
  VolumeAdoption* volume_adoption() noexcept override { return this; }

  Status stream_snapshots(const Call& call, SnapshotSink& sink) noexcept override {
    if (broken("ignore_deadline") && call.remaining() < std::chrono::milliseconds(100))
      std::this_thread::sleep_for(std::chrono::seconds(3));
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    std::vector<ManageableSnapshot> out;
    for (const auto& s : snapshots_) out.push_back(record(s));
    if (broken("duplicate_reference")) out.push_back(out.front());
    if (broken("empty_source_reference")) out.front().source_reference = {};
    if (broken("bad_extra_info")) out.front().extra_info.set("", "x");
    if (broken("empty_reason")) out.front().reason = "";
    if (broken("unstable_listing") && listings_++ % 2 == 1) out.pop_back();
    if (broken("thread_dependent_listing")) {
      if (first_thread_ == std::thread::id()) first_thread_ = std::this_thread::get_id();
      if (first_thread_ != std::this_thread::get_id()) out.pop_back();
    }
    for (auto& r : out) sink.add(std::move(r));
    return Status::success();
  }

  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override {
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto found = snapshot(reference, volume_reference);
    if (!found) return found.error();
    ManageableSnapshot r = record(**found);
    if (broken("inspect_size_differs")) r.size_bytes += 4096;
    if (broken("inspect_other_reference")) r.reference.set("source-id", "id-" + (**found).name);
    return r;
  }

  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override {
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto found = snapshot(reference, volume_reference);
    if (!found) return repeated(snapshots_, "_snapshot-" + snapshot_id, found.error());
    Object* s = *found;
    const std::string old_name = s->name;
    if (broken("adopt_twice")) aliases_[old_name] = "_snapshot-" + snapshot_id;
    s->name = "_snapshot-" + snapshot_id;
    return StringMap{{"source-name", broken("stale_adopted_reference") ? old_name : s->name}};
  }

  Status release_snapshot(const Call& call, const StringMap& provider_reference, const std::string&) noexcept override {
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    if (broken("release_deletes")) {
      std::erase_if(snapshots_, [&](const Object& s) {
        return provider_reference.find("source-name") && s.name == *provider_reference.find("source-name");
      });
    }
    return Status::success();
  }

  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override {
    if (broken("throw_in_list_volumes")) explode();
    if (broken("abort_in_list_volumes")) std::abort();
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    for (const auto& v : volumes_) out.add(ManageableVolume{{{"source-name", v.name}}, v.size, false, {}, {}});
    return Status::success();
  }

  Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept override {
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto found = volume(reference);
    if (!found) return found.error();
    return ManageableVolume{{{"source-name", (*found)->name}}, (*found)->size, false, {}, {}};
  }

  Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                 const std::string& volume_id) noexcept override {
    if (auto st = check_deadline(call); !st) return st.error();
    std::lock_guard lock(mutex_);
    auto found = volume(reference);
    const std::string new_name = "volume-" + volume_id;
    if (!found) return repeated(volumes_, new_name, found.error());
    for (auto& s : snapshots_)
      if (s.origin == (*found)->name) s.origin = new_name;
    (*found)->name = new_name;
    return StringMap{{"source-name", new_name}};
  }

 private:
  bool broken(const std::string& what) const { return breakages_.count(what) > 0; }

  Status check_deadline(const Call& call) const {
    if (!call.expired()) return Status::success();
    if (broken("wrong_timeout_code")) return Error::backend("the deadline has passed");
    return Error::timeout("the call's deadline has passed");
  }

  ManageableSnapshot record(const Object& s) const {
    ManageableSnapshot r{{{"source-name", s.name}}, s.size, {{"source-name", s.origin}}, s.in_use, {}, {}};
    if (broken("zero_size") && s.name == "snap-2") r.size_bytes = 0;
    return r;
  }

  // The name a reference gives, checked before anything is looked up.
  Result<std::string> name_of(const StringMap& reference) const {
    const std::string* name = reference.find("source-name");
    if (broken("accept_malformed")) return name ? *name : std::string();
    if (!name || !valid_name(*name))
      return Error::invalid_reference("expected {\"source-name\": <name>} with a name of A-Z a-z 0-9 _ . -");
    auto alias = aliases_.find(*name);
    return alias != aliases_.end() ? alias->second : *name;
  }

  // A repeated adoption under the same id finds the object already renamed: success.
  Result<StringMap> repeated(std::vector<Object>& objects, const std::string& adopted_name, const Error& error) {
    if (broken("adopt_not_idempotent") || !find(objects, adopted_name)) return error;
    return StringMap{{"source-name", adopted_name}};
  }

  Object* find(std::vector<Object>& objects, const std::string& name) {
    for (auto& o : objects)
      if (o.name == name) return &o;
    return nullptr;
  }

  Result<Object*> snapshot(const StringMap& reference, const StringMap& volume_reference) {
    auto name = name_of(reference);
    if (!name) return name.error();
    if (broken("refuse_listed") && *name == "snap-3") return Error::invalid_reference("no snapshot 'snap-3'");
    Object* s = find(snapshots_, *name);
    if (!s && broken("accept_malformed")) return Error::backend("lookup of '" + *name + "' failed");
    if (!s) return Error::invalid_reference("no snapshot '" + *name + "'");
    const std::string* origin = volume_reference.find("source-name");
    if (!broken("accept_other_volume") && (!origin || *origin != s->origin))
      return Error::invalid_reference("'" + *name + "' is a snapshot of '" + s->origin + "'");
    return s;
  }

  Result<Object*> volume(const StringMap& reference) {
    auto name = name_of(reference);
    if (!name) return name.error();
    Object* v = find(volumes_, *name);
    if (!v && broken("accept_malformed")) return Error::backend("lookup of '" + *name + "' failed");
    if (!v) return Error::invalid_reference("no volume '" + *name + "'");
    return v;
  }

  const std::set<std::string> breakages_;
  std::mutex mutex_;
  std::vector<Object> volumes_{{"vol-a", 1024 * kMiB, "", false}, {"vol-b", 2048 * kMiB, "", false}};
  std::vector<Object> snapshots_{{"snap-1", 512 * kMiB, "vol-a", false},
                                 {"snap-2", 256 * kMiB, "vol-a", true},
                                 {"snap-3", 128 * kMiB, "vol-b", false}};
  std::map<std::string, std::string> aliases_;  // adopt_twice: old name → new name
  int listings_ = 0;
  std::thread::id first_thread_;
  std::atomic<int> release_asks_{0};
};

const DriverDescriptor* descriptor() {
#ifdef BROKEN_DESCRIPTOR
  static const DriverDescriptor d{
      {kAbiMajor, kAbiMinor, SNAPMGR_BUILD_FINGERPRINT, "9.9.9"},
      "broken descriptor!",
      "",
      "one",
      Capability::SnapshotDiscovery | Capability::SnapshotAdoption | Capability::VolumeDiscovery |
          Capability::VolumeAdoption | (1u << 7),
      {
          {"breakages", OptionType::List, false, {}, "faults to switch on"},
          {"twice", OptionType::String, false, {}, "declared twice"},
          {"twice", OptionType::String, false, {}, "declared twice"},
          {"Bad Key!", OptionType::String, false, {}, "a key nobody can type"},
          {"undescribed", OptionType::String, false, {}, ""},
          {"wrong_default", OptionType::Integer, false, OptionValue("ten"), "an integer with a string default"},
          {"required_with_default", OptionType::Integer, true, OptionValue(1), "required, yet with a default"},
      },
      &BrokenDriver::create,
  };
#else
  static const DriverDescriptor d{
      current_header(),
      "broken",
      "snapmgr tests",
      "1.0.0",
      Capability::SnapshotDiscovery | Capability::SnapshotAdoption | Capability::SnapshotRelease |
          Capability::VolumeDiscovery | Capability::VolumeAdoption,
      {{"breakages", OptionType::List, false, {}, "faults to switch on (see kBreakages)"}},
      &BrokenDriver::create,
  };
#endif
  return &d;
}

}  // namespace broken

SNAPMGR_EXPORT_DRIVER(broken::descriptor)
