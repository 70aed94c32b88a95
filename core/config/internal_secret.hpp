// The shared secret of the internal route (docs/api.md "Many nodes: the internal route"): nodes
// that share a PostgreSQL catalog forward the requests only a backend's owner can answer to that
// owner, and prove with this secret that the request comes from a node and not from a client. It lives in
// the file named by the top-level `internal_secret_file` (trailing whitespace and newlines
// dropped), is required whenever the catalog is PostgreSQL, and never appears in a log line or an
// error body — messages name the file, never its content.
//
// Thread-safety: immutable after load(); matches() may run on many threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/host_config.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core {

class InternalSecret {
 public:
  static constexpr std::size_t kMinLength = 16;

  // Reads the file: a message naming it when it cannot be read, is empty, or is shorter than
  // kMinLength characters.
  static snapmgr::Result<InternalSecret, std::string> load(const std::string& path);

  // Constant-time in the length of the secret: a wrong guess takes as long however many of its
  // first characters are right.
  bool matches(std::string_view presented) const;
  // For the forwarder, which sends it; never log it.
  const std::string& value() const { return *value_; }

 private:
  explicit InternalSecret(std::shared_ptr<const std::string> value) : value_(std::move(value)) {}
  std::shared_ptr<const std::string> value_;  // shared by copies (the handler's and the forwarder's)
};

// The secret this host's configuration needs: nullopt when it needs none (SQLite catalog and no
// `internal_secret_file`), else the loaded secret or the start-up message ("internal_secret_file:
// required with a PostgreSQL catalog ..." or the load error).
snapmgr::Result<std::optional<InternalSecret>, std::string> load_internal_secret(const HostConfig& config);

}  // namespace snapmgr::core
