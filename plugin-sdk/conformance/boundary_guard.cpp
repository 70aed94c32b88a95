#include "snapmgr/conformance/boundary_guard.hpp"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <typeinfo>

#include <gtest/gtest.h>

namespace snapmgr::conformance {
namespace {

thread_local const BoundaryScope* tls_scope = nullptr;
thread_local const std::string* tls_text = nullptr;

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> plain(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && plain ? plain.get() : name;
}

// "std::runtime_error: what()" for the exception being handled, if any.
std::string escaped_exception() {
  std::exception_ptr current = std::current_exception();
  if (!current) return "no exception is active (std::terminate was called directly)";
  const std::type_info* type = abi::__cxa_current_exception_type();
  std::string text = "exception of type " + (type ? demangle(type->name()) : std::string("unknown"));
  try {
    std::rethrow_exception(current);
  } catch (const std::exception& e) {
    text += ": " + std::string(e.what());
  } catch (...) {}
  return text;
}

[[noreturn]] void on_terminate() noexcept {
  std::fflush(stdout);
  const std::string where =
      tls_text ? *tls_text : "outside any driver call the kit made (a driver thread?) in check " + current_check();
  std::string check = current_check();
  std::fprintf(stderr,
               "\nsnapmgr-conformance: FATAL: %s escaped a noexcept driver method: %s.\n"
               "Driver methods are noexcept: in snapmgrd this calls std::terminate and stops the whole service.\n"
               "Catch exceptions inside the driver and return an Error instead.\n",
               escaped_exception().c_str(), where.c_str());
  std::fprintf(stdout, "[  FAILED  ] %s (an exception escaped the driver: %s)\n", check.c_str(), where.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(kExitEscapedException);
}

}  // namespace

std::string current_check() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (!info) return "(no check)";
  return std::string(info->test_suite_name()) + "." + info->name();
}

BoundaryScope::BoundaryScope(std::string_view call, std::string_view record) : previous_(tls_scope) {
  text_ = std::string(call);
  if (!record.empty()) text_ += " for " + std::string(record);
  text_ += " in check " + current_check();
  tls_scope = this;
  tls_text = &text_;
}

BoundaryScope::~BoundaryScope() {
  tls_scope = previous_;
  tls_text = previous_ ? &previous_->text_ : nullptr;
}

void install_terminate_handler() {
  static std::once_flag once;
  std::call_once(once, [] { std::set_terminate(on_terminate); });
}

}  // namespace snapmgr::conformance
