#include "test_portals.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace snapmgr::testing::iscsi {
namespace {

// A socket bound to 127.0.0.1 on a port the kernel picks; its port in `port`.
int bound_loopback_socket(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind() failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

SilentPortals::SilentPortals(int ports) {
  for (int i = 0; i < ports; ++i) {
    int port = 0;
    listeners_.push_back(bound_loopback_socket(port));
    if (::listen(listeners_.back(), 64) != 0) throw std::runtime_error("listen() failed");
    addresses_.push_back("127.0.0.1:" + std::to_string(port));
  }
  if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2() failed");
  thread_ = std::thread([this] { serve(); });
}

SilentPortals::~SilentPortals() {
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  for (int l : listeners_) ::close(l);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void SilentPortals::serve() {
  std::vector<int> open;
  const std::size_t first_client = 1 + listeners_.size();
  for (;;) {
    std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}};
    for (int l : listeners_) fds.push_back({l, POLLIN, 0});
    for (int c : open) fds.push_back({c, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) break;
    // Closed connections first: a client closes one session before it opens the next, and both
    // events can arrive in one round; counting the new one first would overstate the overlap.
    for (std::size_t i = first_client; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      char buffer[4096];
      if (::read(fds[i].fd, buffer, sizeof buffer) <= 0) {  // whatever a client sends is ignored
        ::close(fds[i].fd);
        open.erase(std::find(open.begin(), open.end(), fds[i].fd));
      }
    }
    for (std::size_t i = 1; i < first_client; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      int c = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++accepted_;
      // Already closed by the client while it waited in the accept queue: never open at once
      // with anything accepted later.
      pollfd probe{c, POLLIN, 0};
      char byte;
      if (::poll(&probe, 1, 0) == 1 && ::recv(c, &byte, 1, MSG_PEEK) == 0) {
        ::close(c);
        continue;
      }
      open.push_back(c);
      if (static_cast<int>(open.size()) > peak_) peak_ = static_cast<int>(open.size());
    }
  }
  for (int c : open) ::close(c);
}

std::string closed_portal() {
  int port = 0;
  int fd = bound_loopback_socket(port);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(port);
}

std::string set_reservation_key(const std::string& portal, const std::string& target, int lun,
                                const std::string& initiator, std::uint64_t key) {
  iscsi_context* s = iscsi_create_context(initiator.c_str());
  if (!s) return "cannot create a libiscsi context";
  iscsi_set_targetname(s, target.c_str());
  iscsi_set_session_type(s, ISCSI_SESSION_NORMAL);
  iscsi_set_header_digest(s, ISCSI_HEADER_DIGEST_NONE_CRC32C);
  std::string error;
  if (iscsi_full_connect_sync(s, portal.c_str(), lun) != 0) {
    error = std::string("login: ") + iscsi_get_error(s);
  } else {
    auto prout = [&](int action, std::uint64_t reservation_key, std::uint64_t new_key) {
      scsi_persistent_reserve_out_basic params{};
      params.reservation_key = reservation_key;
      params.service_action_reservation_key = new_key;
      int status = -1;
      for (int attempt = 0; attempt < 4 && status != SCSI_STATUS_GOOD; ++attempt) {  // past UNIT ATTENTIONs
        scsi_task* t = iscsi_persistent_reserve_out_sync(s, lun, action, 0, 0, &params);
        status = t ? t->status : -1;
        if (t) scsi_free_scsi_task(t);
      }
      return status == SCSI_STATUS_GOOD;
    };
    constexpr std::uint64_t kClearingKey = 0xc1ea2;
    const bool ok = key != 0 ? prout(SCSI_PERSISTENT_RESERVE_REGISTER_AND_IGNORE_EXISTING_KEY, 0, key)
                             : prout(SCSI_PERSISTENT_RESERVE_REGISTER_AND_IGNORE_EXISTING_KEY, 0, kClearingKey) &&
                                   prout(SCSI_PERSISTENT_RESERVE_CLEAR, kClearingKey, 0);
    if (!ok) error = std::string("PERSISTENT RESERVE OUT: ") + iscsi_get_error(s);
    iscsi_logout_sync(s);
  }
  iscsi_destroy_context(s);
  return error;
}

}  // namespace snapmgr::testing::iscsi
