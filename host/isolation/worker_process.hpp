// The host side of one backend's driver worker (driver_worker.hpp): starts the worker process,
// talks to it, supervises it.
//
//   - Start: `<executable> --driver-worker 3`, with the socket as fd 3, stdin from /dev/null and
//     stdout/stderr into a pipe whose lines the host logs as the driver's output (they can never
//     reach the socket). The worker gets its Init (plugin, options, state directory, limits).
//   - Calls: any number at once, each with its deadline; a listing's batches are turned into SDK
//     records on the reading thread and handed to the caller's thread as they arrive (the two work
//     side by side). A call not answered by its deadline (plus a grace) kills the
//     worker (SIGKILL) and fails with Timeout.
//   - Supervision: a worker that dies — a signal, an exit, killed for a hang — fails every call in
//     flight with BackendError naming the backend, the signal or exit status, the operation and
//     the last lines the driver logged, and is started again after a backoff (1 s, doubling up to
//     60 s, back to 1 s after a minute of health). Until it is back every call fails at once the
//     same way. A driver that refused to be created (the plugin, its options) is not restarted.
//   - Stop (destructor): the socket is closed, so the worker exits; SIGKILL after a grace.
//
// Ownership: owns the processes, the socket, the pipe and two threads (supervisor, output
// reader), all stopped and joined by the destructor; `log` is borrowed and must outlive it.
// Thread-safety: every member function may be called from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "host/isolation/wire.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/records.hpp"
#include "snapmgr/services.hpp"

namespace snapmgr::core {

// This program's file (/proc/self/exe, resolved): the worker program of a program that serves
// as its own driver worker (snapmgrd, the conformance kit).
std::string this_program();

struct WorkerSettings {
  std::string executable;  // run as `<executable> --driver-worker 3`
  std::string plugin_path;
  std::string backend;  // "<host>@<name>", for the driver and for messages
  std::string state_dir;
  snapmgr::OptionValue options;
  std::chrono::milliseconds init_timeout{60000};
  std::uint64_t memory_limit_mib = 0;  // 0: no limit
  std::uint64_t max_open_files = 0;
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds healthy_after{60000};  // a worker up this long resets the backoff
};

class WorkerProcess {
 public:
  // A listing's batch, decoded: snapshots for STREAM_SNAPSHOTS, volumes for STREAM_VOLUMES.
  using Records = std::variant<std::vector<snapmgr::ManageableSnapshot>, std::vector<snapmgr::ManageableVolume>>;
  using BatchHandler = std::function<void(Records&)>;
  static constexpr std::chrono::milliseconds kDeadlineGrace{500};
  static constexpr std::chrono::milliseconds kStopGrace{2000};

  // Starts the first worker and waits for its answer (at most init_timeout and a grace).
  WorkerProcess(WorkerSettings settings, snapmgr::Logger& log);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Why the driver could not be created at the first start (never restarted then), or nullopt.
  std::optional<std::string> refused() const;
  bool running() const;
  pid_t pid() const;          // 0 when not running
  int restarts() const;       // workers started after the first
  std::string state() const;  // "running (pid N)" or "down: <why> (restart in N s)"

  // One driver call; `on_batch` receives a listing's batches on this thread.
  snapmgr::Result<worker::Reply> call(worker::Request request, const snapmgr::Call& call,
                                      const BatchHandler& on_batch = {});

 private:
  struct Pending {
    worker::Operation op = worker::OPERATION_NONE;
    std::string operation;
    std::deque<Records> batches;
    std::optional<worker::Reply> reply;
    std::optional<std::string> failure;
  };
  enum class State { Starting, Running, Down, Refused, Stopped };

  void supervise();
  void run_one();
  bool spawn(pid_t& pid, std::shared_ptr<wire::Channel>& channel, std::string& error);
  // Hands a message to its call. A batch is decoded without mutex_ held and then cleared in
  // place: protobuf reuses its records' storage for the next one parsed into `message`.
  void dispatch(worker::FromWorker& message);
  void remember(const std::string& line);
  std::string last_lines() const;  // with mutex_ held
  // Fails every call in flight: "<why> during <operation><after>". With mutex_ held.
  void fail_pending(const std::string& why, const std::string& after);
  void read_output();
  void consume_output(int wait_ms);  // logs the lines in the pipe, waiting up to wait_ms for some

  const WorkerSettings settings_;
  snapmgr::Logger& log_;
  int output_read_ = -1;
  int output_write_ = -1;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::Starting;
  bool stopping_ = false;
  bool first_settled_ = false;
  std::optional<std::string> refused_;
  std::string down_reason_;
  std::string kill_reason_;  // why the host killed the current worker, if it did
  std::chrono::steady_clock::time_point restart_at_{};
  std::shared_ptr<wire::Channel> channel_;
  pid_t pid_ = 0;
  std::uint64_t incarnation_ = 0;
  int restarts_ = 0;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::shared_ptr<Pending>> pending_;
  std::deque<std::string> last_lines_;

  std::mutex output_mutex_;
  std::string partial_output_;  // a line not yet ended
  std::atomic<bool> output_stop_{false};
  std::thread output_reader_;
  std::thread supervisor_;  // declared last: started after everything it uses
};

}  // namespace snapmgr::core
