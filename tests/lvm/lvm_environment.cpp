// Registers the lvm suite's fixture: one VG for the whole lvm_real_test process.
#include "lvm_fixture.hpp"

namespace {
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new snapmgr::testing::LvmEnvironment);
}  // namespace
