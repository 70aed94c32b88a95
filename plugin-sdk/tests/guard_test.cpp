// guarded() (snapmgr/guard.hpp): what a driver method returns when its body throws, and that
// it returns the body's own answer untouched otherwise.
#include "snapmgr/guard.hpp"

#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace snapmgr {
namespace {

void expect_unexpected(const Error& error, const std::string& message) {
  EXPECT_EQ(error.code(), ErrorCode::BackendError);
  EXPECT_EQ(error.message(), message);
}

TEST(Guarded, AStdExceptionFromAStatusBodyBecomesABackendErrorNamingTheOperation) {
  Status st = guarded("lvm: list_snapshots", []() -> Status { throw std::runtime_error("lvs vanished"); });
  ASSERT_FALSE(st.ok());
  expect_unexpected(st.error(), "lvm: list_snapshots failed unexpectedly: lvs vanished");
}

TEST(Guarded, AStdExceptionFromAResultBodyBecomesTheSameError) {
  Result<std::string> r = guarded("nfs: inspecting a volume", []() -> Result<std::string> {
    throw std::system_error(std::make_error_code(std::errc::permission_denied), "opendir /srv");
  });
  ASSERT_FALSE(r.ok());
  expect_unexpected(r.error(), "nfs: inspecting a volume failed unexpectedly: opendir /srv: " +
                                   std::make_error_code(std::errc::permission_denied).message());
}

TEST(Guarded, BadAllocKeepsItsWhat) {
  Result<int> r = guarded("fake: adopt_volume", []() -> Result<int> { throw std::bad_alloc(); });
  ASSERT_FALSE(r.ok());
  expect_unexpected(r.error(), std::string("fake: adopt_volume failed unexpectedly: ") + std::bad_alloc().what());
}

TEST(Guarded, ADerivedExceptionIsDescribedByItsOwnWhat) {
  struct BackendGone : std::logic_error {
    BackendGone() : std::logic_error("the portal closed the connection") {}
  };
  Status st = guarded("iscsi: releasing snapshot", []() -> Status { throw BackendGone(); });
  ASSERT_FALSE(st.ok());
  expect_unexpected(st.error(), "iscsi: releasing snapshot failed unexpectedly: the portal closed the connection");
}

TEST(Guarded, ThrowsOfNonStandardTypesAreUnknownExceptions) {
  Status from_int = guarded("imagedir: listing", []() -> Status { throw 42; });
  ASSERT_FALSE(from_int.ok());
  expect_unexpected(from_int.error(), "imagedir: listing failed unexpectedly: unknown exception");
  // A std::string is not a std::exception: its text is not used.
  Result<double> from_string = guarded("x", []() -> Result<double> { throw std::string("not an exception"); });
  ASSERT_FALSE(from_string.ok());
  expect_unexpected(from_string.error(), "x failed unexpectedly: unknown exception");
  struct Opaque {};
  Status from_struct = guarded("y", []() -> Status { throw Opaque{}; });
  ASSERT_FALSE(from_struct.ok());
  expect_unexpected(from_struct.error(), "y failed unexpectedly: unknown exception");
}

TEST(Guarded, WithoutAnExceptionTheBodysAnswerPassesThroughUnchanged) {
  int calls = 0;
  Status ok = guarded("a", [&]() -> Status {
    ++calls;
    return Status::success();
  });
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(calls, 1);

  Status refused = guarded("a", []() -> Status { return Error::in_use("volume 'v' is attached"); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::InUse);
  EXPECT_EQ(refused.error().message(), "volume 'v' is attached");

  Result<std::string> value = guarded("b", []() -> Result<std::string> { return std::string("lvol0"); });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "lvol0");

  Result<std::string> missing = guarded("b", []() -> Result<std::string> { return Error::invalid_reference("no"); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::InvalidReference);
  EXPECT_EQ(missing.error().message(), "no");
}

TEST(Guarded, MoveOnlyResultsAndCallableObjectsWork) {
  using Owned = Result<std::unique_ptr<int>>;
  Owned r = guarded("factory", [] { return Owned(std::make_unique<int>(7)); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 7);

  struct Body {
    std::unique_ptr<int> owned = std::make_unique<int>(3);
    Result<int> operator()() && { return *owned; }
  };
  Result<int> from_rvalue = guarded("body", Body{});
  ASSERT_TRUE(from_rvalue.ok());
  EXPECT_EQ(*from_rvalue, 3);
}

TEST(Guarded, IsNoexceptEvenForABodyThatThrows) {
  auto throwing = []() -> Status { throw std::runtime_error("x"); };
  static_assert(noexcept(guarded("x", throwing)));
  static_assert(!noexcept(throwing()));
  EXPECT_FALSE(guarded("x", throwing).ok());
}

TEST(UnexpectedException, DescribesAStoredExceptionAndANullOne) {
  auto stored = std::make_exception_ptr(std::out_of_range("map::at"));
  expect_unexpected(unexpected_exception("lvm: inspect_volume", stored),
                    "lvm: inspect_volume failed unexpectedly: map::at");
  expect_unexpected(unexpected_exception("lvm: inspect_volume", nullptr),
                    "lvm: inspect_volume failed unexpectedly: unknown exception");
}

}  // namespace
}  // namespace snapmgr
