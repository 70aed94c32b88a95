// For lvm_fixture_test: sets up an LVM fixture, prints its workspace on stdout, then dies
// without tearing down — `abort` (as a failed assertion or a sanitizer report does) or `kill`
// (SIGKILL, as a ctest timeout does). The fixture's guard must then clean up on its own.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hook_fixture.hpp"

int main(int argc, char** argv) {
  const bool kill = argc > 1 && std::strcmp(argv[1], "kill") == 0;
  auto fixture = snapmgr::testing::HookFixture::start(SNAPMGR_SOURCE_DIR "/tests/fixtures/lvm/hook", "lvm-abort");
  if (!fixture.ok()) {
    std::fprintf(stderr, "fixture_abort_helper: %s\n", fixture.error().message().c_str());
    return 2;
  }
  std::printf("%s\n", (*fixture)->dir().c_str());
  std::fflush(stdout);
  if (kill) std::raise(SIGKILL);
  std::abort();
}
