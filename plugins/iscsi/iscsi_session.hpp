// One iSCSI session (discovery or normal) over libiscsi's asynchronous API, driven by our own
// poll loop so that every exchange ends by its deadline.
//
// Why not libiscsi's *_sync calls: their event loop has no deadline (poll with a fixed 1 s tick,
// timeouts only in whole seconds and only while traffic flows) and, logged in, they reconnect
// forever when the target drops the connection. Here automatic reconnection is off, and each
// exchange (TCP connect, login, SendTargets, one SCSI command, logout) waits at most
// min(call deadline, now + command_timeout_s). When an exchange fails or times out the session is
// *broken*: every later call fails at once, and the destructor tears the context down (libiscsi
// then cancels what was in flight; the callbacks write only into this object, which is still
// alive at that point, and the task memory we own is freed afterwards).
//
// Errors are Timeout (the exchange ran past its deadline; `call_expired()` says whether the call's
// own deadline passed) or BackendError (refused connection, failed login, dropped connection),
// with messages naming the portal, the target and libiscsi's reason. CHAP secrets are handed to
// libiscsi and never appear in a message.
//
// Ownership/thread-safety: owns its libiscsi context; use from one thread at a time (libiscsi
// contexts are not thread-safe). Sessions on different threads are independent.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "iscsi_config.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"

struct iscsi_context;
struct scsi_task;

namespace snapmgr::iscsi {

struct ScsiTaskDeleter {
  void operator()(scsi_task* task) const noexcept;
};
using ScsiTaskPtr = std::unique_ptr<scsi_task, ScsiTaskDeleter>;

// The answer to one SCSI command: the task (status, sense, data-in) for GOOD, CHECK CONDITION
// and any other SCSI status; transport failures are Errors instead.
struct ScsiAnswer {
  ScsiTaskPtr task;
  int status = 0;  // SCSI_STATUS_*
};

// Issues one SCSI command asynchronously (an iscsi_*_task call) with the given callback and
// private data; returns the task, or nullptr when it could not be queued.
using ScsiIssue = std::function<scsi_task*(iscsi_context*, void (*)(iscsi_context*, int, void*, void*), void*)>;

struct SessionLimits {
  Call::Clock::time_point call_deadline;
  std::chrono::seconds exchange_timeout{30};
};

class IscsiSession {
 public:
  // A session that has not connected yet. Fails only when libiscsi cannot allocate a context.
  static Result<std::unique_ptr<IscsiSession>> create(const IscsiConfig& config, SessionLimits limits);
  ~IscsiSession();
  IscsiSession(const IscsiSession&) = delete;
  IscsiSession& operator=(const IscsiSession&) = delete;

  // Connects to `portal` and logs in to a discovery session; then SendTargets lists the target
  // names the portal offers (in its order).
  Status login_discovery(const std::string& portal);
  Result<std::vector<std::string>> send_targets();

  // Connects to `portal` and logs in to `target` (a normal session).
  Status login(const std::string& portal, const std::string& target);

  // Runs one SCSI command; `what` names it in messages ("READ CAPACITY(16) on LUN 1").
  Result<ScsiAnswer> execute(const std::string& what, const ScsiIssue& issue);

  // Logs out, best effort and within at most a second; failures are ignored (the target drops the
  // session when the connection closes anyway).
  void logout() noexcept;

  bool call_expired() const noexcept { return Call::Clock::now() >= limits_.call_deadline; }
  // "target <iqn> on portal <p>" or "portal <p>", for messages.
  const std::string& peer() const noexcept { return peer_; }

 private:
  struct Completion {
    bool done = false;
    int status = 0;
    void* data = nullptr;
    // libiscsi's error text when the callback reported a failure; libiscsi may overwrite its
    // error string right after the callback (e.g. "Connection refused" becomes "Can not
    // reconnect right now"), so it is copied here, without allocating.
    char error[256] = {};
  };

  IscsiSession(iscsi_context* context, SessionLimits limits);
  static void on_complete(iscsi_context* context, int status, void* data, void* self) noexcept;
  // SendTargets' answer is freed by libiscsi as soon as the callback returns: copy it there.
  static void on_discovery(iscsi_context* context, int status, void* data, void* self) noexcept;
  Status connect_and_login(const std::string& portal, const std::string& what);
  // Services the connection until the pending exchange completes or `deadline` passes.
  Status wait(const std::string& what, Call::Clock::time_point deadline);
  Call::Clock::time_point exchange_deadline() const noexcept;
  Error failure(const std::string& what, const std::string& cause);
  // The best description of why the pending exchange failed.
  std::string failure_cause() const;

  iscsi_context* context_;
  SessionLimits limits_;
  Completion completion_;
  scsi_task* task_in_flight_ = nullptr;  // owned; freed after the context is destroyed
  std::vector<std::string> discovered_;  // target names copied by on_discovery
  bool discovery_copy_failed_ = false;
  bool broken_ = false;
  bool logged_in_ = false;
  std::string peer_;
};

// "SENSE KEY:ILLEGAL_REQUEST(5) ASCQ:INVALID_OPERATION_CODE(0x2000)" style text for an answer.
std::string describe_scsi_answer(const ScsiAnswer& answer);

}  // namespace snapmgr::iscsi
