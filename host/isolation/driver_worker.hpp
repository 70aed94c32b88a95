// The worker side of driver isolation: the main of a process that runs one backend's driver for
// snapmgrd (`snapmgrd --driver-worker <fd>`). It reads its Init from the socket `fd`, applies its
// limits, loads the plugin with the host's loader and checks (ABI, fingerprint, capabilities),
// creates the driver with the same services a driver gets in snapmgrd — its options, a logger
// whose lines go to the host (which logs them with the backend's name), the argv-only command
// runner — and then serves the driver's capabilities: each request on its own thread (drivers
// are thread-safe by the SDK contract), a listing as batches then a reply.
//
// It dies with its host (PR_SET_PDEATHSIG) and exits when the host closes the socket. Nothing the
// driver writes to stdout or stderr can reach the socket: fd 1 and 2 are the host's log pipe.
#pragma once

namespace snapmgr::core {

// Returns the process's exit status: 0 when the host closed the channel, 1 when the driver could
// not be created (the host was told why), 2 for a broken start (no Init).
int run_driver_worker(int fd);

}  // namespace snapmgr::core
