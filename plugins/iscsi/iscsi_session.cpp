#include "iscsi_session.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

namespace snapmgr::iscsi {
namespace {

using Clock = Call::Clock;
constexpr auto kLogoutBudget = std::chrono::seconds(1);

long long whole_ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

}  // namespace

void ScsiTaskDeleter::operator()(scsi_task* task) const noexcept {
  if (task) scsi_free_scsi_task(task);
}

Result<std::unique_ptr<IscsiSession>> IscsiSession::create(const IscsiConfig& config, SessionLimits limits) {
  iscsi_context* context = iscsi_create_context(config.initiator_name.c_str());
  if (!context) {
    return Error::backend("libiscsi could not create a context for initiator " + config.initiator_name);
  }
  // Fail exchanges instead of reconnecting behind our back (see the header).
  iscsi_set_noautoreconnect(context, 1);
  iscsi_set_header_digest(context, ISCSI_HEADER_DIGEST_NONE_CRC32C);
  if (config.chap &&
      iscsi_set_initiator_username_pwd(context, config.chap->user.c_str(), config.chap->password.c_str()) != 0) {
    iscsi_destroy_context(context);
    return Error::invalid_config("libiscsi refused the CHAP user name (too long?)");
  }
  return std::unique_ptr<IscsiSession>(new IscsiSession(context, limits));
}

IscsiSession::IscsiSession(iscsi_context* context, SessionLimits limits) : context_(context), limits_(limits) {}

IscsiSession::~IscsiSession() {
  // Cancels whatever is still queued; cancellation callbacks land in completion_, still alive.
  iscsi_destroy_context(context_);
  if (task_in_flight_) scsi_free_scsi_task(task_in_flight_);
}

void IscsiSession::on_complete(iscsi_context* context, int status, void* data, void* self) noexcept {
  auto* session = static_cast<IscsiSession*>(self);
  session->completion_.done = true;
  session->completion_.status = status;
  session->completion_.data = data;
  if (status != SCSI_STATUS_GOOD && status != SCSI_STATUS_CHECK_CONDITION) {
    std::snprintf(session->completion_.error, sizeof session->completion_.error, "%s", iscsi_get_error(context));
  }
}

std::string IscsiSession::failure_cause() const {
  return completion_.error[0] ? completion_.error : iscsi_get_error(context_);
}

void IscsiSession::on_discovery(iscsi_context* context, int status, void* data, void* self) noexcept {
  auto* session = static_cast<IscsiSession*>(self);
  try {
    for (auto* a = static_cast<iscsi_discovery_address*>(data); a; a = a->next) {
      if (a->target_name) session->discovered_.emplace_back(a->target_name);
    }
  } catch (...) {
    session->discovery_copy_failed_ = true;
  }
  on_complete(context, status, nullptr, self);
}

Clock::time_point IscsiSession::exchange_deadline() const noexcept {
  return std::min(limits_.call_deadline, Clock::now() + limits_.exchange_timeout);
}

Error IscsiSession::failure(const std::string& what, const std::string& cause) {
  broken_ = true;
  return Error::backend(what + " failed: " + cause);
}

Status IscsiSession::wait(const std::string& what, Clock::time_point deadline) {
  const auto started = Clock::now();
  while (!completion_.done) {
    const auto now = Clock::now();
    if (now >= deadline) {
      broken_ = true;
      if (call_expired()) {
        return Error::timeout(what + " was still unanswered when the call's deadline passed (after " +
                              std::to_string(whole_ms(now - started)) + " ms)");
      }
      return Error::timeout(
          what + " got no answer within command_timeout_s=" + std::to_string(limits_.exchange_timeout.count()));
    }
    pollfd pfd{};
    pfd.fd = iscsi_get_fd(context_);
    pfd.events = static_cast<short>(iscsi_which_events(context_));
    // libiscsi asks for a pause (no events) while it cannot make progress; never sleep past the
    // deadline, and re-ask which events it wants at least every 100 ms.
    const int wait_ms = static_cast<int>(std::clamp<long long>(whole_ms(deadline - now), 1, 100));
    int ready = 0;
    if (pfd.fd < 0 || pfd.events == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    } else {
      ready = ::poll(&pfd, 1, wait_ms);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return failure(what, std::string("poll: ") + std::strerror(errno));
      }
    }
    if (iscsi_service(context_, ready > 0 ? pfd.revents : 0) < 0) {
      if (completion_.done) break;  // the callback has the outcome; the caller judges it
      return failure(what, iscsi_get_error(context_));
    }
  }
  return Status::success();
}

Status IscsiSession::connect_and_login(const std::string& portal, const std::string& what) {
  if (broken_ || logged_in_) return Error::backend(what + ": the session is already in use or broken");
  completion_ = {};
  if (iscsi_connect_async(context_, portal.c_str(), &IscsiSession::on_complete, this) != 0) {
    return failure("connecting to portal " + portal, iscsi_get_error(context_));
  }
  if (auto st = wait("connecting to portal " + portal, exchange_deadline()); !st) return st;
  if (completion_.status != SCSI_STATUS_GOOD) return failure("connecting to portal " + portal, failure_cause());
  completion_ = {};
  if (iscsi_login_async(context_, &IscsiSession::on_complete, this) != 0) {
    return failure(what, iscsi_get_error(context_));
  }
  if (auto st = wait(what, exchange_deadline()); !st) return st;
  if (completion_.status != SCSI_STATUS_GOOD) return failure(what, failure_cause());
  logged_in_ = true;
  return Status::success();
}

Status IscsiSession::login_discovery(const std::string& portal) {
  peer_ = "portal " + portal;
  iscsi_set_session_type(context_, ISCSI_SESSION_DISCOVERY);
  return connect_and_login(portal, "discovery login on portal " + portal);
}

Result<std::vector<std::string>> IscsiSession::send_targets() {
  const std::string what = "SendTargets on " + peer_;
  if (broken_ || !logged_in_) return Error::backend(what + ": no discovery session");
  completion_ = {};
  discovered_.clear();
  discovery_copy_failed_ = false;
  if (iscsi_discovery_async(context_, &IscsiSession::on_discovery, this) != 0) {
    return failure(what, iscsi_get_error(context_));
  }
  if (auto st = wait(what, exchange_deadline()); !st) return st.error();
  if (completion_.status != SCSI_STATUS_GOOD) return failure(what, failure_cause());
  if (discovery_copy_failed_) return failure(what, "out of memory while copying the answer");
  return std::move(discovered_);
}

Status IscsiSession::login(const std::string& portal, const std::string& target) {
  peer_ = "target " + target + " on portal " + portal;
  iscsi_set_session_type(context_, ISCSI_SESSION_NORMAL);
  if (iscsi_set_targetname(context_, target.c_str()) != 0) {
    return failure("login to " + peer_, iscsi_get_error(context_));
  }
  return connect_and_login(portal, "login to " + peer_);
}

Result<ScsiAnswer> IscsiSession::execute(const std::string& what_command, const ScsiIssue& issue) {
  const std::string what = what_command + " on " + peer_;
  if (broken_ || !logged_in_) return Error::backend(what + ": the session is not logged in");
  completion_ = {};
  task_in_flight_ = issue(context_, &IscsiSession::on_complete, this);
  if (!task_in_flight_) return failure(what, std::string("not queued: ") + iscsi_get_error(context_));
  if (auto st = wait(what, exchange_deadline()); !st) return st.error();
  ScsiAnswer answer{ScsiTaskPtr(task_in_flight_), completion_.status};
  task_in_flight_ = nullptr;
  if (answer.status == SCSI_STATUS_CANCELLED || answer.status == SCSI_STATUS_ERROR ||
      answer.status == SCSI_STATUS_TIMEOUT) {
    return failure(what, "the connection failed: " + failure_cause());
  }
  return answer;
}

void IscsiSession::logout() noexcept {
  if (broken_ || !logged_in_) return;
  logged_in_ = false;
  completion_ = {};
  if (iscsi_logout_async(context_, &IscsiSession::on_complete, this) != 0) {
    broken_ = true;
    return;
  }
  const auto deadline = std::min(exchange_deadline(), Clock::now() + kLogoutBudget);
  try {
    if (!wait("logout from " + peer_, deadline)) broken_ = true;
  } catch (...) {
    broken_ = true;
  }
}

std::string describe_scsi_answer(const ScsiAnswer& answer) {
  if (answer.status == SCSI_STATUS_CHECK_CONDITION && answer.task) {
    char ascq[16];
    std::snprintf(ascq, sizeof ascq, "0x%04x", static_cast<unsigned>(answer.task->sense.ascq));
    return std::string("CHECK CONDITION, sense key ") + scsi_sense_key_str(answer.task->sense.key) + ", " +
           scsi_sense_ascq_str(answer.task->sense.ascq) + " (" + ascq + ")";
  }
  switch (answer.status) {
    case SCSI_STATUS_GOOD: return "GOOD";
    case SCSI_STATUS_BUSY: return "BUSY";
    case SCSI_STATUS_RESERVATION_CONFLICT: return "RESERVATION CONFLICT";
    case SCSI_STATUS_TASK_SET_FULL: return "TASK SET FULL";
    default: return "SCSI status " + std::to_string(answer.status);
  }
}

}  // namespace snapmgr::iscsi
