// snapmgr plugin SDK — errors as values.
//
// Purpose: no exception crosses the driver boundary. Every driver method is `noexcept` and
// returns `Result<T>` (a value or an `Error`) or `Status` (success or an `Error`). The error
// codes are a closed set; the host maps each one to an HTTP status and Cinder fault name in one
// place, so a driver only chooses the code that describes what happened and writes a message a
// human operator can act on (name the object, say what was expected and what was found).
//
//   NotSupported      the operation is not possible on this backend or for this object
//   InvalidReference  the reference is malformed, names nothing, or names the wrong kind of
//                     object (Cinder's ManageExistingInvalidReference)
//   NotFound          an object the call depends on does not exist (other than the reference)
//   AlreadyManaged    the object already belongs to a management system
//   InUse             the object is busy and the operation would disturb its user
//   BackendError      the backend failed or answered something unusable
//   Timeout           the backend did not answer before the call's deadline
//   InvalidConfig     the driver's options are unusable (reported at initialisation)
//
// Ownership/thread-safety: plain value types; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace snapmgr {

enum class ErrorCode {
  NotSupported,
  InvalidReference,
  NotFound,
  AlreadyManaged,
  InUse,
  BackendError,
  Timeout,
  InvalidConfig,
};

constexpr std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::NotSupported: return "NotSupported";
    case ErrorCode::InvalidReference: return "InvalidReference";
    case ErrorCode::NotFound: return "NotFound";
    case ErrorCode::AlreadyManaged: return "AlreadyManaged";
    case ErrorCode::InUse: return "InUse";
    case ErrorCode::BackendError: return "BackendError";
    case ErrorCode::Timeout: return "Timeout";
    case ErrorCode::InvalidConfig: return "InvalidConfig";
  }
  return "Unknown";
}

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error not_supported(std::string m) { return {ErrorCode::NotSupported, std::move(m)}; }
  static Error invalid_reference(std::string m) { return {ErrorCode::InvalidReference, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorCode::NotFound, std::move(m)}; }
  static Error already_managed(std::string m) { return {ErrorCode::AlreadyManaged, std::move(m)}; }
  static Error in_use(std::string m) { return {ErrorCode::InUse, std::move(m)}; }
  static Error backend(std::string m) { return {ErrorCode::BackendError, std::move(m)}; }
  static Error timeout(std::string m) { return {ErrorCode::Timeout, std::move(m)}; }
  static Error invalid_config(std::string m) { return {ErrorCode::InvalidConfig, std::move(m)}; }

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_;
  std::string message_;
};

// A value of type T, or an error of type E (the SDK's Error unless a host component chooses
// its own). Access the value only after checking ok().
template <class T, class E = Error>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

// Success, or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design
  static Status success() { return {}; }

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { return error_; }

 private:
  Error error_{ErrorCode::BackendError, {}};
  bool failed_ = false;
};

}  // namespace snapmgr
