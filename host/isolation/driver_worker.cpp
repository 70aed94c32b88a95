#include "host/isolation/driver_worker.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "host/capability_gate.hpp"
#include "host/command_runner.hpp"
#include "host/isolation/wire.hpp"
#include "host/plugin_loader.hpp"

namespace snapmgr::core {
namespace {

// Log lines go to the host as Log messages.
class ForwardingLogger final : public snapmgr::Logger {
 public:
  explicit ForwardingLogger(wire::Channel& channel) : channel_(channel) {}
  void write(snapmgr::LogLevel level, std::string_view message) noexcept override {
    try {
      worker::FromWorker out;
      out.mutable_log()->set_level(static_cast<int>(level));
      out.mutable_log()->set_text(std::string(message));
      channel_.send(out);
    } catch (...) {  // out of memory: the line is lost, the driver goes on
    }
  }

 private:
  wire::Channel& channel_;
};

// A listing's records, sent in batches of kBatch while the driver streams. One Batch is reused:
// protobuf keeps a cleared repeated field's records (and their strings' capacity), so after the
// first batch the records are filled in place, not allocated.
template <class Record>
class BatchingSink final : public snapmgr::RecordSink<Record> {
 public:
  static constexpr int kBatch = 2048;
  BatchingSink(wire::Channel& channel, std::uint64_t id) : channel_(channel), id_(id) { batch_.set_id(id_); }
  void add(Record record) noexcept override {
    std::lock_guard lock(mutex_);
    wire::put(record, *batch_.add_records());
    if (batch_.records_size() >= kBatch) flush_locked();
  }
  void flush() {
    std::lock_guard lock(mutex_);
    if (batch_.records_size() > 0) flush_locked();
  }

 private:
  void flush_locked() {
    worker::FromWorker out;
    out.unsafe_arena_set_allocated_batch(&batch_);  // lent to `out` for the send, not given
    struct TakeBack {
      worker::FromWorker& out;
      ~TakeBack() { (void)out.unsafe_arena_release_batch(); }
    } take_back{out};
    channel_.send(out);
    batch_.clear_records();
  }
  wire::Channel& channel_;
  const std::uint64_t id_;
  std::mutex mutex_;
  worker::Batch batch_;
};

// What the worker serves, owned together: each call's thread holds a share of it, so nothing a
// call touches can go away under it. Members in order of construction; the driver, made last
// from the others (its context refers to them), is destroyed first.
struct Served {
  explicit Served(int fd) : channel(fd), logger(channel) {}
  wire::Channel channel;
  ForwardingLogger logger;
  ProcessCommandRunner runner;
  snapmgr::OptionValue options;
  std::string backend;
  std::string state_dir;
  std::optional<snapmgr::DriverContext> context;
  DriverPtr driver;
  std::uint32_t abi_minor = 0;
};

void reply_error(worker::Reply& reply, const snapmgr::Error& error) { wire::put(error, *reply.mutable_error()); }

snapmgr::Error not_provided(const char* what) {
  return snapmgr::Error::not_supported(std::string("the driver does not provide ") + what);
}

template <snapmgr::Capability C>
auto* provided(Served& s) {
  return capability<C>(*s.driver, s.abi_minor);
}

template <class Record, class Stream>
void stream(Served& s, const worker::Request& request, const snapmgr::Call& call, worker::Reply& reply, Stream&& run) {
  BatchingSink<Record> sink(s.channel, request.id());
  snapmgr::Status st = run(call, sink);
  sink.flush();
  if (!st) reply_error(reply, st.error());
}

template <class Value>
bool failed(const snapmgr::Result<Value>& r, worker::Reply& reply) {
  if (r.ok()) return false;
  reply_error(reply, r.error());
  return true;
}

void serve(Served& s, const worker::Request& request) {
  snapmgr::Call call;
  call.deadline = snapmgr::Call::Clock::now() + std::chrono::milliseconds(request.remaining_ms());
  call.request_id = request.request_id();
  const auto ref = wire::get(request.reference());
  const auto volume_ref = wire::get(request.volume_reference());
  worker::FromWorker out;
  worker::Reply& reply = *out.mutable_reply();
  reply.set_id(request.id());
  using C = snapmgr::Capability;
  switch (request.operation()) {
    case worker::STREAM_SNAPSHOTS:
      if (auto* d = provided<C::SnapshotDiscovery>(s))
        stream<snapmgr::ManageableSnapshot>(s, request, call, reply,
                                            [d](auto& c, auto& sink) { return d->stream_snapshots(c, sink); });
      else
        reply_error(reply, not_provided("snapshot discovery"));
      break;
    case worker::STREAM_VOLUMES:
      if (auto* d = provided<C::VolumeDiscovery>(s))
        stream<snapmgr::ManageableVolume>(s, request, call, reply,
                                          [d](auto& c, auto& sink) { return d->stream_volumes(c, sink); });
      else
        reply_error(reply, not_provided("volume discovery"));
      break;
    case worker::INSPECT_SNAPSHOT:
      if (auto* a = provided<C::SnapshotAdoption>(s)) {
        auto r = a->inspect_snapshot(call, ref, volume_ref);
        if (!failed(r, reply)) wire::put(*r, *reply.mutable_record());
      } else {
        reply_error(reply, not_provided("snapshot adoption"));
      }
      break;
    case worker::ADOPT_SNAPSHOT:
      if (auto* a = provided<C::SnapshotAdoption>(s)) {
        auto r = a->adopt_snapshot(call, ref, volume_ref, request.object_id());
        if (!failed(r, reply)) wire::put(*r, *reply.mutable_provider_reference());
      } else {
        reply_error(reply, not_provided("snapshot adoption"));
      }
      break;
    case worker::RELEASE_SNAPSHOT:
      if (auto* r = provided<C::SnapshotRelease>(s)) {
        if (auto st = r->release_snapshot(call, ref, request.object_id()); !st) reply_error(reply, st.error());
      } else {
        reply_error(reply, not_provided("snapshot release"));
      }
      break;
    case worker::INSPECT_VOLUME:
      if (auto* a = provided<C::VolumeAdoption>(s)) {
        auto r = a->inspect_volume(call, ref);
        if (!failed(r, reply)) wire::put(*r, *reply.mutable_record());
      } else {
        reply_error(reply, not_provided("volume adoption"));
      }
      break;
    case worker::ADOPT_VOLUME:
      if (auto* a = provided<C::VolumeAdoption>(s)) {
        auto r = a->adopt_volume(call, ref, request.object_id());
        if (!failed(r, reply)) wire::put(*r, *reply.mutable_provider_reference());
      } else {
        reply_error(reply, not_provided("volume adoption"));
      }
      break;
    case worker::RELEASE_VOLUME:
      if (auto* r = provided<C::VolumeRelease>(s)) {
        if (auto st = r->release_volume(call, ref, request.object_id()); !st) reply_error(reply, st.error());
      } else {
        reply_error(reply, not_provided("volume release"));
      }
      break;
    default: reply_error(reply, snapmgr::Error::backend("unknown operation " + std::to_string(request.operation())));
  }
  s.channel.send(out);
}

void set_limit(int resource, std::uint64_t value) {
  if (value == 0) return;
  rlimit limit{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
  ::setrlimit(resource, &limit);
}

int fail(wire::Channel& channel, const std::string& error) {
  worker::FromWorker out;
  out.mutable_failed()->set_error(error);
  channel.send(out);
  return 1;
}

}  // namespace

int run_driver_worker(int fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the host
  std::signal(SIGPIPE, SIG_IGN);
  auto served = std::make_shared<Served>(fd);
  wire::Channel& channel = served->channel;
  worker::ToWorker first;
  if (!channel.receive(first) || !first.has_init()) return 2;
  const worker::Init& init = first.init();
  if (init.host_pid() != 0 && ::getppid() != init.host_pid()) return 2;  // the host died before PDEATHSIG was set
#if defined(__SANITIZE_ADDRESS__)
  if (init.memory_limit_mib() != 0)  // its shadow memory needs terabytes of address space
    served->logger.warn("worker.memory_limit_mib is not applied: this snapmgrd is built with AddressSanitizer");
#else
  set_limit(RLIMIT_AS, init.memory_limit_mib() << 20);
#endif
  set_limit(RLIMIT_NOFILE, init.max_open_files());

  auto load = load_plugin(init.plugin_path());
  if (!load.plugin) return fail(channel, load.error);
  served->options = wire::get(init.options());
  served->backend = init.backend();
  served->state_dir = init.state_dir();
  const snapmgr::DriverContext& context = served->context.emplace(
      snapmgr::DriverContext{served->options, served->logger, served->runner, served->backend, served->state_dir});
  // A factory that overruns keeps its share of `served`, the context's home, on its thread.
  auto creation = create_driver(*load.plugin, context, std::chrono::milliseconds(init.init_timeout_ms()), served);
  if (!creation.driver) return fail(channel, creation.error);
  served->driver = std::move(creation.driver);  // pins the plugin's library
  served->abi_minor = load.plugin->descriptor->header.abi_minor;
  {
    worker::FromWorker ready;
    ready.mutable_ready()->set_capabilities(load.plugin->descriptor->capabilities);
    if (!channel.send(ready)) std::_Exit(0);
  }
  for (;;) {
    worker::ToWorker message;
    if (!channel.receive(message)) break;
    if (!message.has_request()) continue;
    // Each call on its own thread, with a share of `served` and its own copy of the request.
    std::thread([served, request = message.request()] { serve(*served, request); }).detach();
  }
  // The host closed the channel: end now, without waiting for calls in flight (their answers
  // have nowhere to go) or running the driver's destructor under them.
  std::_Exit(0);
}

}  // namespace snapmgr::core
