// A driver written against SDK 2.0 (this directory's frozen include/, README.md): an in-memory
// backend with two volumes and two snapshots, built into every instance, implementing all five
// 2.0 capabilities. Adoption records the association (no rename), as the nfs and iscsi drivers
// do; snapshot release removes it.
//
// The tripwire: the first virtual function this class declares sits, in its vtable, right after
// the 2.0 accessors of snapmgr::Driver — exactly where a 2.1 Driver has `volume_release()`. A
// host that called that accessor on this 2.0 driver (undefined behaviour the host must never
// commit) would land here; with the `tripwire_file` option set, the call is recorded in that
// file, which the tests expect never to exist.
//
// Thread-safety: one mutex guards the inventory; no call blocks.
#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>

#include "snapmgr/sdk.hpp"

// The include path is this directory's frozen 2.0 SDK, never plugin-sdk/include.
static_assert(SNAPMGR_SDK_VERSION_MAJOR == 2 && SNAPMGR_SDK_VERSION_MINOR == 0, "expected the SDK 2.0 headers");
#if __has_include("snapmgr/driver_of.hpp") || __has_include("snapmgr/collect.hpp")
#error "the current SDK is on the include path; this fixture must see the frozen 2.0 headers only"
#endif

namespace sdk20 {
using namespace snapmgr;

struct Object {
  std::uint64_t size_bytes;
  std::string origin;      // snapshots only
  std::string adopted_as;  // the catalog id it belongs to, or ""
};

bool valid_name(const std::string& s) {
  auto word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  return !s.empty() && s.size() <= 100 && word(s[0]) &&
         std::all_of(s.begin() + 1, s.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

StringMap named(const std::string& name) { return StringMap{{"source-name", name}}; }

class Sdk20Driver final : public Driver,
                          public SnapshotDiscovery,
                          public SnapshotAdoption,
                          public SnapshotRelease,
                          public VolumeDiscovery,
                          public VolumeAdoption {
 public:
  // Declared first on purpose: see the tripwire above.
  virtual void* slot_after_the_2_0_accessors() noexcept {
    if (!tripwire_file_.empty()) std::ofstream(tripwire_file_, std::ios::app) << "volume_release slot called\n";
    return nullptr;
  }

  Sdk20Driver(std::string tripwire_file, Logger& logger) : tripwire_file_(std::move(tripwire_file)), logger_(logger) {}

  static Result<std::unique_ptr<Driver>> create(const DriverContext& context) {
    const OptionValue* tripwire = context.options.find("tripwire_file");
    return std::unique_ptr<Driver>(
        std::make_unique<Sdk20Driver>(tripwire ? tripwire->as_string() : std::string(), context.logger));
  }

  SnapshotDiscovery* snapshot_discovery() noexcept override { return this; }
  SnapshotAdoption* snapshot_adoption() noexcept override { return this; }
  SnapshotRelease* snapshot_release() noexcept override { return this; }
  VolumeDiscovery* volume_discovery() noexcept override { return this; }
  VolumeAdoption* volume_adoption() noexcept override { return this; }

  Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept override {
    if (call.expired()) return Error::timeout("sdk20: listing snapshots: the call's deadline has passed");
    std::lock_guard lock(mutex_);
    for (const auto& [name, o] : snapshots_) {
      out.add(ManageableSnapshot{named(name), o.size_bytes, named(o.origin), false, std::nullopt, {{"sdk", "2.0"}}});
    }
    return Status::success();
  }

  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override {
    if (call.expired()) return Error::timeout("sdk20: listing volumes: the call's deadline has passed");
    std::lock_guard lock(mutex_);
    for (const auto& [name, o] : volumes_) {
      out.add(ManageableVolume{named(name), o.size_bytes, false, std::nullopt, {}});
    }
    return Status::success();
  }

  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      auto found = snapshot(call, reference, volume_reference);
      if (!found) return found.error();
      const Object& o = *found.value();
      return ManageableSnapshot{reference, o.size_bytes, named(o.origin), false, std::nullopt, {{"sdk", "2.0"}}};
    } catch (const std::exception& e) {
      return Error::backend(std::string("sdk20: ") + e.what());
    }
  }

  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      auto found = snapshot(call, reference, volume_reference);
      if (!found) return found.error();
      return adopt(*found.value(), reference, snapshot_id);
    } catch (const std::exception& e) {
      return Error::backend(std::string("sdk20: ") + e.what());
    }
  }

  Status release_snapshot(const Call& call, const StringMap& provider_reference,
                          const std::string& snapshot_id) noexcept override {
    try {
      if (call.expired()) return Error::timeout("sdk20: releasing a snapshot: the call's deadline has passed");
      std::lock_guard lock(mutex_);
      const std::string* name = provider_reference.find("source-name");
      auto it = name ? snapshots_.find(*name) : snapshots_.end();
      if (it == snapshots_.end() || it->second.adopted_as != snapshot_id) {
        logger_.warn("sdk20: released snapshot " + snapshot_id + " was not adopted here");
        return Status::success();
      }
      it->second.adopted_as.clear();
      return Status::success();
    } catch (const std::exception& e) {
      return Error::backend(std::string("sdk20: ") + e.what());
    }
  }

  Result<ManageableVolume> inspect_volume(const Call& call, const StringMap& reference) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      auto found = volume(call, reference);
      if (!found) return found.error();
      return ManageableVolume{reference, found.value()->size_bytes, false, std::nullopt, {}};
    } catch (const std::exception& e) {
      return Error::backend(std::string("sdk20: ") + e.what());
    }
  }

  Result<StringMap> adopt_volume(const Call& call, const StringMap& reference,
                                 const std::string& volume_id) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      auto found = volume(call, reference);
      if (!found) return found.error();
      return adopt(*found.value(), reference, volume_id);
    } catch (const std::exception& e) {
      return Error::backend(std::string("sdk20: ") + e.what());
    }
  }

 private:
  // The object a well-formed reference names in `objects`; needs mutex_.
  static Result<Object*> find(const Call& call, std::map<std::string, Object>& objects, const StringMap& reference,
                              const char* kind) {
    if (call.expired()) return Error::timeout(std::string("sdk20: ") + kind + ": the call's deadline has passed");
    const std::string* name = reference.find("source-name");
    if (reference.size() != 1 || !name || !valid_name(*name)) {
      return Error::invalid_reference(std::string("expected {\"source-name\": \"<") + kind +
                                      ">\"} with a name of A-Z a-z 0-9 _ . - (at most 100)");
    }
    auto it = objects.find(*name);
    if (it == objects.end()) return Error::invalid_reference(std::string("no ") + kind + " '" + *name + "'");
    return &it->second;
  }

  Result<Object*> snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference) {
    auto found = find(call, snapshots_, reference, "snapshot");
    if (!found) return found.error();
    const std::string* volume = volume_reference.find("source-name");
    if (!volume || *volume != found.value()->origin) {
      return Error::invalid_reference("the snapshot belongs to volume '" + found.value()->origin +
                                      "', not to the one given");
    }
    return found;
  }

  Result<Object*> volume(const Call& call, const StringMap& reference) {
    return find(call, volumes_, reference, "volume");
  }

  static Result<StringMap> adopt(Object& o, const StringMap& reference, const std::string& id) {
    if (id.empty()) return Error::invalid_reference("an empty catalog id");
    if (!o.adopted_as.empty() && o.adopted_as != id) {
      return Error::already_managed("already adopted as " + o.adopted_as);
    }
    o.adopted_as = id;
    return reference;
  }

  const std::string tripwire_file_;
  Logger& logger_;
  std::mutex mutex_;
  std::map<std::string, Object> volumes_{{"vol-a", {1u << 30, "", ""}}, {"vol-b", {2u << 30, "", ""}}};
  std::map<std::string, Object> snapshots_{{"vol-a.monday", {1u << 30, "vol-a", ""}},
                                           {"vol-b.nightly", {512u << 20, "vol-b", ""}}};
};

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "sdk20",
      "snapmgr tests",
      "2.0.0",
      Capability::SnapshotDiscovery | Capability::SnapshotAdoption | Capability::SnapshotRelease |
          Capability::VolumeDiscovery | Capability::VolumeAdoption,
      {{"tripwire_file", OptionType::String, false, {}, "record here any call of the slot after the 2.0 accessors"}},
      &Sdk20Driver::create,
  };
  return &d;
}

}  // namespace sdk20

SNAPMGR_EXPORT_DRIVER(sdk20::descriptor)
