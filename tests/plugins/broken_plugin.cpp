// Deliberately broken driver plugins (the ceph erasure-code plugin tests are the model). The
// same source is built once per defect, selected by a BROKEN_* macro; each must be refused by
// the host with a message naming the file and the cause, without affecting other backends.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "snapmgr/sdk.hpp"

namespace broken {

class MinimalDriver final : public snapmgr::Driver {};

#if defined(BROKEN_ALLOCATES)
// A volume lister that leaks: each listing allocates (and touches) 64 MiB more, up to 4 GiB,
// before it lists. Past its worker's memory limit the allocation fails inside a noexcept
// method, and the process ends (std::terminate).
class LeakingDriver final : public snapmgr::Driver, public snapmgr::VolumeDiscovery {
 public:
  snapmgr::VolumeDiscovery* volume_discovery() noexcept override { return this; }
  snapmgr::Status stream_volumes(const snapmgr::Call&, snapmgr::VolumeSink& out) noexcept override {
    for (int i = 0; i < 64; ++i) {
      leaked_.emplace_back(64u << 20, '\x5a');
    }
    snapmgr::ManageableVolume v;
    v.reference.set("source-name", "volume-leak");
    v.size_bytes = 1;
    out.add(v);
    return snapmgr::Status::success();
  }

 private:
  std::vector<std::string> leaked_;
};
#endif

#if defined(BROKEN_STDOUT_GARBAGE)
// A working volume lister that writes bytes of every value to stdout and stderr while it runs
// (in a worker process they must not reach the host's channel).
class GarbageDriver final : public snapmgr::Driver, public snapmgr::VolumeDiscovery {
 public:
  snapmgr::VolumeDiscovery* volume_discovery() noexcept override { return this; }
  snapmgr::Status stream_volumes(const snapmgr::Call&, snapmgr::VolumeSink& out) noexcept override {
    std::string garbage;
    for (int i = 0; i < 70000; ++i) garbage += static_cast<char>((i * 7919) % 256);
    (void)::write(1, garbage.data(), garbage.size());
    std::fputs("\n\x0a\x05hello not a message\n", stdout);
    std::fflush(stdout);
    (void)::write(2, garbage.data(), 4096);
    snapmgr::ManageableVolume v;
    v.reference.set("source-name", "volume-garbage");
    v.extra_info.set("raw", std::string("\xff\xfe not UTF-8 \x00 with a NUL", 25));  // crosses the channel as is
    v.size_bytes = 1;
    out.add(v);
    return snapmgr::Status::success();
  }
};
#endif

#if defined(BROKEN_SEGFAULT_IN_LISTING) || defined(BROKEN_SPINS_IN_LISTING) || defined(BROKEN_ABORT_IN_ADOPTION)
// Drivers that take their process down, or never answer, as a vendor's buggy driver would. Each
// lists one volume (or dies trying) and logs what it is about to do, so the host can name the
// driver's last lines.
class DoomedDriver final : public snapmgr::Driver, public snapmgr::VolumeDiscovery, public snapmgr::VolumeAdoption {
 public:
  explicit DoomedDriver(snapmgr::Logger& log) : log_(log) {}
  snapmgr::VolumeDiscovery* volume_discovery() noexcept override { return this; }
  snapmgr::VolumeAdoption* volume_adoption() noexcept override { return this; }
  snapmgr::Status stream_volumes(const snapmgr::Call&, snapmgr::VolumeSink& out) noexcept override {
#if defined(BROKEN_SEGFAULT_IN_LISTING)
    log_.info("broken: listing volumes through a null pointer");
    *null_ = 1;  // a real invalid write: SIGSEGV
#elif defined(BROKEN_SPINS_IN_LISTING)
    log_.info("broken: listing volumes in a loop that ignores the deadline");
    for (;;) spins_.fetch_add(1, std::memory_order_relaxed);  // an atomic: a loop C++ may not assume ends
#endif
    out.add(volume());
    return snapmgr::Status::success();
  }
  snapmgr::Result<snapmgr::ManageableVolume> inspect_volume(const snapmgr::Call&,
                                                            const snapmgr::StringMap& reference) noexcept override {
    const std::string* name = reference.find("source-name");
    if (!name || *name != "volume-doomed") return snapmgr::Error::invalid_reference("no such volume");
    return volume();
  }
  snapmgr::Result<snapmgr::StringMap> adopt_volume(const snapmgr::Call&, const snapmgr::StringMap&,
                                                   const std::string& volume_id) noexcept override {
    log_.info("broken: adopting volume-doomed as " + volume_id + " and aborting");
    std::abort();
  }

 private:
  static snapmgr::ManageableVolume volume() {
    snapmgr::ManageableVolume v;
    v.reference.set("source-name", "volume-doomed");
    v.size_bytes = 1 << 30;
    return v;
  }
  snapmgr::Logger& log_;
  static inline int* volatile null_ = nullptr;  // volatile: the compiler cannot see the write is to null
  static inline std::atomic<unsigned long> spins_{0};
};
#endif

snapmgr::Result<std::unique_ptr<snapmgr::Driver>> factory(const snapmgr::DriverContext& context) {
#if defined(BROKEN_EXIT_IN_INIT)
  context.logger.info("broken: initialising, then exit(0)");
  std::exit(0);
#endif
#if defined(BROKEN_SEGFAULT_IN_LISTING) || defined(BROKEN_SPINS_IN_LISTING) || defined(BROKEN_ABORT_IN_ADOPTION)
  return std::unique_ptr<snapmgr::Driver>(new DoomedDriver(context.logger));
#endif
  (void)context;
#if defined(BROKEN_FACTORY_THROWS)
  throw std::runtime_error("simulated crash in the factory");
#elif defined(BROKEN_FACTORY_NULL)
  return std::unique_ptr<snapmgr::Driver>();
#elif defined(BROKEN_FACTORY_HANGS)
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
#elif defined(BROKEN_STDOUT_GARBAGE)
  return std::unique_ptr<snapmgr::Driver>(new GarbageDriver());
#elif defined(BROKEN_ALLOCATES)
  return std::unique_ptr<snapmgr::Driver>(new LeakingDriver());
#else
  return std::unique_ptr<snapmgr::Driver>(new MinimalDriver());
#endif
}

snapmgr::DescriptorHeader header() {
  snapmgr::DescriptorHeader h = snapmgr::current_header();
#if defined(BROKEN_ABI_MAJOR)
  h.abi_major = snapmgr::kAbiMajor + 1;
#elif defined(BROKEN_ABI_MINOR)
  h.abi_minor = snapmgr::kAbiMinor + 1;
#elif defined(BROKEN_CAPABILITY_TOO_NEW)
  h.abi_minor = 0;
#endif
  return h;
}

const snapmgr::DriverDescriptor* descriptor() {
#if defined(BROKEN_NULL_DESCRIPTOR)
  return nullptr;
#else
  static const snapmgr::DriverDescriptor d {
    header(), BROKEN_NAME, "snapmgr tests", "0.0.1",
#if defined(BROKEN_CAPABILITY_MISMATCH)
        static_cast<std::uint32_t>(snapmgr::Capability::SnapshotDiscovery),  // declared, not provided
#elif defined(BROKEN_CAPABILITY_TOO_NEW)
        static_cast<std::uint32_t>(snapmgr::Capability::VolumeRelease),  // a 2.1 capability in a "2.0" header
#elif defined(BROKEN_STDOUT_GARBAGE) || defined(BROKEN_ALLOCATES)
        static_cast<std::uint32_t>(snapmgr::Capability::VolumeDiscovery),
#elif defined(BROKEN_SEGFAULT_IN_LISTING) || defined(BROKEN_SPINS_IN_LISTING) || defined(BROKEN_ABORT_IN_ADOPTION) || \
    defined(BROKEN_EXIT_IN_INIT)
        static_cast<std::uint32_t>(snapmgr::Capability::VolumeDiscovery) |
            static_cast<std::uint32_t>(snapmgr::Capability::VolumeAdoption),
#else
        0,
#endif
        {}, &factory
  };
  return &d;
#endif
}

}  // namespace broken

#if !defined(BROKEN_NO_ENTRY_POINT)
SNAPMGR_EXPORT_DRIVER(broken::descriptor)
#else
// Exports a symbol, just not the entry point.
extern "C" __attribute__((visibility("default"))) int snapmgr_not_the_entry_point() { return 1; }
#endif
