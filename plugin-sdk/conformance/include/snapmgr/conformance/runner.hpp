// snapmgr conformance kit — the snapmgr-conformance program, as a function.
//
// Purpose: `run` is the whole program:
//
//   snapmgr-conformance --driver path/to/libsnapmgr_x.so --options options.yaml
//                       [--fixture-hook path/to/hook] [--call-timeout-s N]
//                       [--return-bound-ms N] [--hook-timeout-s N] [--verbose]
//                       [--isolation in_process|process]
//                       [GoogleTest flags: --gtest_filter=..., --gtest_output=xml:..., ...]
//
// It runs `hook setup` (when a hook is given), then the checks in a child process — so a driver
// that crashes or throws cannot stop `hook teardown` from running — and returns the exit status
// listed in boundary_guard.hpp. The built-in checks are registered at run time for the
// capabilities the driver declares; checks the program itself defines with TEST_F (a vendor's
// own, see check.hpp) run too. With --isolation process each driver instance runs in a worker
// process — this same program, which `run` turns into a driver worker when started as
// `<program> --driver-worker <fd>` — and the checks reach it through the host's proxy driver, as
// snapmgrd's `isolation: process` does. Call it from main() and return its value.
//
// Thread-safety: call once, from main, before any other thread exists.
#pragma once

namespace snapmgr::conformance {

int run(int argc, char** argv);

}  // namespace snapmgr::conformance
