// The CommandRunner drivers receive (SDK services.hpp): posix_spawn starts the command, Boost.Process
// v2 waits for it and kills it. argv only — there is no shell anywhere, so a reference like
// "x; rm -rf /" stays one literal argument —, stdin from /dev/null, stdout and stderr captured,
// every other file descriptor closed in the child, and the process killed (SIGKILL) when its
// timeout expires.
//
// Thread-safety: `run` may be called from many threads at once; each call is independent.
#pragma once

#include "snapmgr/services.hpp"

namespace snapmgr::core {

class ProcessCommandRunner final : public snapmgr::CommandRunner {
 public:
  snapmgr::Result<snapmgr::CommandOutput> run(const snapmgr::Command& command) noexcept override;
};

}  // namespace snapmgr::core
