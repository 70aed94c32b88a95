// Who is calling: the two auth strategies of the config's `auth` key.
//
//   noauth  Cinder's NoAuthMiddleware: `X-Auth-Token: <user>:<project>` (a token without ':'
//           names a user whose project has the same name), or — without a token — the
//           `x-user-id`/`x-project-id` headers. The caller is an admin (roles [admin]).
//           A request naming nobody is answered 401.
//   tokens  `X-Auth-Token` must be a key of `auth.tokens_file`, a YAML map
//           token → {user: <id>, project: <id>, roles: [<role>, ...]}; the caller is an admin
//           when its roles include "admin" (Cinder's context_is_admin). A missing or unknown
//           token → 401 "The request you have made requires authentication."
//
// Start-up errors (unreadable or malformed tokens file) name the file, line and token.
// Thread-safety: immutable after creation; authenticate() may run on many threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/beast/http/fields.hpp>

#include "core/api/faults.hpp"
#include "core/config/host_config.hpp"
#include "snapmgr/result.hpp"

namespace snapmgr::core::api {

struct Identity {
  std::string user_id;
  std::string project_id;
  std::vector<std::string> roles;
  bool is_admin = false;

  bool has_role(std::string_view role) const;
};

class Authenticator {
 public:
  // Reads the tokens file for the `tokens` strategy. Errors are start-up messages.
  static snapmgr::Result<Authenticator, std::string> create(const AuthConfig& config);
  static Authenticator noauth() { return Authenticator(); }

  snapmgr::Result<Identity, ApiError> authenticate(const boost::beast::http::fields& headers) const;

 private:
  bool tokens_strategy_ = false;
  std::map<std::string, Identity, std::less<>> tokens_;
};

// Parses a tokens file's text (exposed for tests); `file` names it in messages.
snapmgr::Result<std::map<std::string, Identity, std::less<>>, std::string> parse_tokens(const std::string& text,
                                                                                        const std::string& file);

}  // namespace snapmgr::core::api
