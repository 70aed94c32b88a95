#include "host/isolation/worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

extern char** environ;

namespace snapmgr::core {
namespace {

constexpr std::size_t kLastLines = 5;
constexpr std::size_t kLongestLine = 1000;

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + signal_name(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

// Waits for `pid` up to `grace`, then kills it; returns its wait status.
int reap(pid_t pid, std::chrono::milliseconds grace) {
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return status;
}

// A driver's output line made fit for the log: control characters and bytes that are not UTF-8
// become '?' (the line may be binary garbage).
void printable(std::string& line) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(line[i]); };
  std::size_t i = 0;
  while (i < line.size()) {
    const unsigned char c = byte(i);
    const std::size_t length = c < 0x80                 ? 1
                               : c >= 0xc2 && c <= 0xdf ? 2
                               : c >= 0xe0 && c <= 0xef ? 3
                               : c >= 0xf0 && c <= 0xf4 ? 4
                                                        : 0;
    bool valid = length != 0 && i + length <= line.size();
    for (std::size_t k = 1; valid && k < length; ++k) valid = (byte(i + k) & 0xc0) == 0x80;
    if (!valid || (length == 1 && ((c < 0x20 && c != '\t') || c == 0x7f))) {
      line[i++] = '?';
      continue;
    }
    i += length;
  }
}

}  // namespace

std::string this_program() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : self.string();
}

namespace {

WorkerProcess::Records decode(worker::Operation op, const worker::Batch& batch) {
  if (op == worker::STREAM_VOLUMES) {
    std::vector<snapmgr::ManageableVolume> volumes;
    volumes.reserve(static_cast<std::size_t>(batch.records_size()));
    for (const auto& record : batch.records()) volumes.push_back(wire::volume_of(record));
    return volumes;
  }
  std::vector<snapmgr::ManageableSnapshot> snapshots;
  snapshots.reserve(static_cast<std::size_t>(batch.records_size()));
  for (const auto& record : batch.records()) snapshots.push_back(wire::snapshot_of(record));
  return snapshots;
}

const char* operation_name(worker::Operation op) {
  switch (op) {
    case worker::STREAM_SNAPSHOTS: return "listing snapshots";
    case worker::INSPECT_SNAPSHOT: return "inspecting a snapshot";
    case worker::ADOPT_SNAPSHOT: return "adopting a snapshot";
    case worker::RELEASE_SNAPSHOT: return "releasing a snapshot";
    case worker::STREAM_VOLUMES: return "listing volumes";
    case worker::INSPECT_VOLUME: return "inspecting a volume";
    case worker::ADOPT_VOLUME: return "adopting a volume";
    case worker::RELEASE_VOLUME: return "releasing a volume";
    default: return "a call";
  }
}

std::string seconds_text(std::chrono::milliseconds ms) { return std::to_string((ms.count() + 999) / 1000) + " s"; }

}  // namespace

WorkerProcess::WorkerProcess(WorkerSettings settings, snapmgr::Logger& log)
    : settings_(std::move(settings)), log_(log) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    output_read_ = fds[0];
    output_write_ = fds[1];
    output_reader_ = std::thread([this] { read_output(); });
  }
  supervisor_ = std::thread([this] { supervise(); });
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return first_settled_; });
}

WorkerProcess::~WorkerProcess() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (channel_) channel_->shut_down();  // the worker reads the end of its socket and exits
    changed_.notify_all();
  }
  supervisor_.join();
  output_stop_ = true;
  if (output_reader_.joinable()) output_reader_.join();
  if (output_read_ >= 0) ::close(output_read_);
  if (output_write_ >= 0) ::close(output_write_);
}

std::optional<std::string> WorkerProcess::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

bool WorkerProcess::running() const {
  std::lock_guard lock(mutex_);
  return state_ == State::Running;
}

pid_t WorkerProcess::pid() const {
  std::lock_guard lock(mutex_);
  return state_ == State::Running ? pid_ : 0;
}

int WorkerProcess::restarts() const {
  std::lock_guard lock(mutex_);
  return restarts_;
}

std::string WorkerProcess::state() const {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::Running: return "running (pid " + std::to_string(pid_) + ")";
    case State::Starting: return "starting";
    case State::Refused: return "refused: " + refused_.value_or("");
    case State::Stopped: return "stopped";
    case State::Down: break;
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(restart_at_ - std::chrono::steady_clock::now());
  return "down: " + down_reason_ + " (restart in " + seconds_text(std::max(left, std::chrono::milliseconds(0))) + ")";
}

snapmgr::Result<worker::Reply> WorkerProcess::call(worker::Request request, const snapmgr::Call& call,
                                                   const BatchHandler& on_batch) {
  const std::string operation = operation_name(request.operation());
  std::unique_lock lock(mutex_);
  if (state_ != State::Running) {
    if (state_ == State::Starting && down_reason_.empty())
      return snapmgr::Error::backend("backend " + settings_.backend + ": its driver's worker is starting");
    const std::string why = state_ == State::Refused ? refused_.value_or("") : "its driver's worker " + down_reason_;
    return snapmgr::Error::backend("backend " + settings_.backend + " is down: " + why);
  }
  auto channel = channel_;
  const std::uint64_t incarnation = incarnation_;
  const pid_t pid = pid_;
  const std::uint64_t id = ++next_id_;
  auto pending = std::make_shared<Pending>();
  pending->op = request.operation();
  pending->operation = operation;
  pending_[id] = pending;
  lock.unlock();

  request.set_id(id);
  request.set_remaining_ms(call.remaining().count());
  request.set_request_id(call.request_id);
  worker::ToWorker message;
  *message.mutable_request() = std::move(request);
  channel->send(message);  // a worker that is gone fails the call below, through the supervisor

  lock.lock();
  const auto limit = call.deadline + kDeadlineGrace;
  for (;;) {
    changed_.wait_until(lock, limit, [&] { return !pending->batches.empty() || pending->reply || pending->failure; });
    while (!pending->batches.empty()) {
      Records batch = std::move(pending->batches.front());
      pending->batches.pop_front();
      lock.unlock();
      if (on_batch) on_batch(batch);
      lock.lock();
    }
    if (pending->failure) {  // first: a listing the host could not take fails though the worker replied
      pending_.erase(id);
      return snapmgr::Error::backend(*pending->failure);
    }
    if (pending->reply) {
      pending_.erase(id);
      return std::move(*pending->reply);
    }
    if (snapmgr::Call::Clock::now() >= limit) break;
  }
  pending_.erase(id);
  const std::string what = "the driver did not finish " + operation + " by its deadline";
  if (incarnation_ == incarnation && state_ == State::Running) {
    kill_reason_ = "was killed (SIGKILL) because " + what;
    ::kill(pid, SIGKILL);
  }
  return snapmgr::Error::timeout("backend " + settings_.backend + ": " + what + "; its worker (pid " +
                                 std::to_string(pid) + ") was killed and is restarted");
}

void WorkerProcess::supervise() {
  auto backoff = settings_.first_backoff;
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    run_one();
    std::unique_lock lock(mutex_);
    if (!first_settled_) {
      first_settled_ = true;
      changed_.notify_all();
    }
    if (stopping_ || state_ == State::Refused) {
      if (state_ != State::Refused) state_ = State::Stopped;
      return;
    }
    if (std::chrono::steady_clock::now() - started >= settings_.healthy_after) backoff = settings_.first_backoff;
    restart_at_ = std::chrono::steady_clock::now() + backoff;
    log_.error("driver worker " + down_reason_ + "; restarting it in " + seconds_text(backoff));
    changed_.wait_until(lock, restart_at_, [this] { return stopping_; });
    if (stopping_) {
      state_ = State::Stopped;
      return;
    }
    backoff = std::min(backoff * 2, settings_.max_backoff);
    ++restarts_;
    state_ = State::Starting;
  }
}

// One worker's life: start, handshake, serve until it ends; leaves the state Down or Refused.
void WorkerProcess::run_one() {
  pid_t pid = 0;
  std::shared_ptr<wire::Channel> channel;
  std::string error;
  if (!spawn(pid, channel, error)) {
    std::lock_guard lock(mutex_);
    down_reason_ = "could not be started: " + error;
    state_ = State::Down;
    return;
  }
  {
    std::lock_guard lock(mutex_);
    kill_reason_.clear();
    channel_ = channel;  // for the destructor to shut down; calls wait for Running
    if (stopping_) channel->shut_down();
  }
  worker::ToWorker init;
  auto* i = init.mutable_init();
  i->set_plugin_path(settings_.plugin_path);
  i->set_backend(settings_.backend);
  i->set_state_dir(settings_.state_dir);
  wire::put(settings_.options, *i->mutable_options());
  i->set_init_timeout_ms(settings_.init_timeout.count());
  i->set_memory_limit_mib(settings_.memory_limit_mib);
  i->set_max_open_files(settings_.max_open_files);
  i->set_host_pid(static_cast<int>(::getpid()));
  channel->send(init);

  // The first answer within the initialisation timeout (a factory that hangs is killed).
  pollfd ready{channel->fd(), POLLIN, 0};
  const auto wait_ms = settings_.init_timeout + kDeadlineGrace;
  int polled;
  do {
    polled = ::poll(&ready, 1, static_cast<int>(wait_ms.count()));
  } while (polled < 0 && errno == EINTR);
  if (polled == 0) {
    std::lock_guard lock(mutex_);
    kill_reason_ = "was killed (SIGKILL): the driver did not finish initialising within " + seconds_text(wait_ms);
    ::kill(pid, SIGKILL);
  }

  bool refused = false;
  bool started = false;
  worker::FromWorker message;
  while (channel->receive(message)) {
    if (message.has_ready()) {
      std::lock_guard lock(mutex_);
      started = true;
      state_ = State::Running;
      pid_ = pid;
      ++incarnation_;
      if (stopping_) channel->shut_down();
      if (!first_settled_) first_settled_ = true;
      changed_.notify_all();
      if (restarts_ > 0) log_.info("driver worker (pid " + std::to_string(pid) + ") is running again");
    } else if (message.has_failed()) {
      std::lock_guard lock(mutex_);
      refused = true;
      refused_ = message.failed().error();
    } else {
      dispatch(message);
    }
    if (!message.has_batch()) message.Clear();  // a batch is cleared in place by dispatch
  }

  channel->shut_down();
  const int status = reap(pid, kStopGrace);
  if (output_read_ >= 0) consume_output(0);  // what it wrote as it died (an abort's message)
  std::lock_guard lock(mutex_);
  channel_.reset();
  pid_ = 0;
  if (refused && !started) {
    state_ = State::Refused;
    return;
  }
  std::string how = kill_reason_.empty() ? describe_status(status) : kill_reason_;
  if (!started) how += " while the driver was initialising";
  down_reason_ = "(pid " + std::to_string(pid) + ") " + how;
  const std::string lines = last_lines().empty() ? "" : "; the driver's last lines: " + last_lines();
  if (stopping_)
    fail_pending("backend " + settings_.backend + " is shutting down", "");
  else
    fail_pending("backend " + settings_.backend + ": the driver's worker " + down_reason_, lines);
  down_reason_ += lines;
  state_ = State::Down;
}

bool WorkerProcess::spawn(pid_t& pid, std::shared_ptr<wire::Channel>& channel, std::string& error) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  int child = sv[1];
  if (child <= 3) {  // dup2 onto itself would keep close-on-exec
    child = ::fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
    ::close(sv[1]);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (output_write_ >= 0) {
    posix_spawn_file_actions_adddup2(&actions, output_write_, 1);
    posix_spawn_file_actions_adddup2(&actions, output_write_, 2);
  }
  posix_spawn_file_actions_adddup2(&actions, child, 3);
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args{settings_.executable, "--driver-worker", "3"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid, settings_.executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(child);
  if (rc != 0) {
    ::close(sv[0]);
    error = settings_.executable + ": " + std::strerror(rc);
    return false;
  }
  channel = std::make_shared<wire::Channel>(sv[0]);
  return true;
}

void WorkerProcess::dispatch(worker::FromWorker& message) {
  if (message.has_log()) {
    const auto level = static_cast<snapmgr::LogLevel>(message.log().level());
    log_.write(level, message.log().text());
    std::lock_guard lock(mutex_);
    remember(message.log().text());
    return;
  }
  if (message.has_batch()) {
    worker::Batch& batch = *message.mutable_batch();
    std::shared_ptr<Pending> pending;
    {
      std::lock_guard lock(mutex_);
      if (auto it = pending_.find(batch.id()); it != pending_.end()) pending = it->second;
    }
    if (pending) {  // else its caller gave up
      std::optional<Records> records;
      try {
        records = decode(pending->op, batch);
      } catch (const std::exception& e) {  // out of memory: this call fails, the host goes on
        std::lock_guard lock(mutex_);
        pending->failure = "backend " + settings_.backend + ": the host could not take the listing: " + e.what();
      }
      std::lock_guard lock(mutex_);
      if (records) pending->batches.push_back(std::move(*records));
      changed_.notify_all();
    }
    batch.Clear();
    return;
  }
  std::lock_guard lock(mutex_);
  if (message.has_reply()) {
    auto it = pending_.find(message.reply().id());
    if (it == pending_.end()) return;
    it->second->reply = std::move(*message.mutable_reply());
  }
  changed_.notify_all();
}

void WorkerProcess::remember(const std::string& line) {
  last_lines_.push_back(line.size() > kLongestLine ? line.substr(0, kLongestLine) + "..." : line);
  while (last_lines_.size() > kLastLines) last_lines_.pop_front();
}

std::string WorkerProcess::last_lines() const {
  std::string text;
  for (const auto& line : last_lines_) text += (text.empty() ? "" : " | ") + line;
  return text;
}

void WorkerProcess::fail_pending(const std::string& why, const std::string& after) {
  for (auto& [id, pending] : pending_) {
    if (!pending->reply) pending->failure = why + " during " + pending->operation + after;
  }
  changed_.notify_all();
}

// The workers' stdout and stderr: logged line by line as the driver's output.
void WorkerProcess::read_output() {
  while (!output_stop_) consume_output(100);
}

void WorkerProcess::consume_output(int wait_ms) {
  std::lock_guard output_lock(output_mutex_);
  char buffer[4096];
  for (;;) {
    pollfd p{output_read_, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) <= 0) return;
    wait_ms = 0;  // then only what is already there
    const ssize_t n = ::read(output_read_, buffer, sizeof buffer);
    if (n <= 0) return;
    partial_output_.append(buffer, static_cast<std::size_t>(n));
    std::size_t end;
    while ((end = partial_output_.find('\n')) != std::string::npos || partial_output_.size() > kLongestLine) {
      const std::size_t cut = end == std::string::npos ? kLongestLine : end;
      std::string line = partial_output_.substr(0, cut);
      partial_output_.erase(0, end == std::string::npos ? cut : cut + 1);
      printable(line);
      log_.warn("driver output: " + line);
      std::lock_guard lock(mutex_);
      remember(line);
    }
  }
}

}  // namespace snapmgr::core
