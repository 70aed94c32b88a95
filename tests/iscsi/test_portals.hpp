// Portals that misbehave, for the failure tests, and a persistent-reservation client.
//
// SilentPortals: TCP listeners on 127.0.0.1 (one or several ports) that accept every connection
// and never send a byte — iSCSI portals whose daemon hangs. They count how many connections are
// open at once, over all their ports, which shows how many sessions the driver runs in
// parallel. A thread serves them; the destructor stops the thread and closes everything.
//
// closed_portal(): "127.0.0.1:<port>" of a port nothing listens on (it was bound, then released),
// so connecting is refused at once.
//
// set_reservation_key(): a PERSISTENT RESERVE OUT (REGISTER AND IGNORE EXISTING KEY) through
// libiscsi, as an initiator using the LUN would do it. Key 0 removes every registration of the
// LUN: tgt ties a registration to the session that made it, so a later session cannot simply
// unregister it — it registers a key of its own and then CLEARs, which drops all registrations.
//
// Thread-safety: SilentPortals' accessors may be called while it serves.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace snapmgr::testing::iscsi {

class SilentPortals {
 public:
  explicit SilentPortals(int ports = 1);
  ~SilentPortals();
  SilentPortals(const SilentPortals&) = delete;
  SilentPortals& operator=(const SilentPortals&) = delete;

  const std::string& address() const { return addresses_.front(); }  // the first port's
  const std::vector<std::string>& addresses() const { return addresses_; }
  int peak_connections() const { return peak_.load(); }
  int accepted_connections() const { return accepted_.load(); }

 private:
  void serve();
  std::vector<int> listeners_;
  int wake_[2] = {-1, -1};
  std::vector<std::string> addresses_;
  std::atomic<int> peak_{0};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

std::string closed_portal();

// "" on success, else what failed.
std::string set_reservation_key(const std::string& portal, const std::string& target, int lun,
                                const std::string& initiator, std::uint64_t key);

}  // namespace snapmgr::testing::iscsi
