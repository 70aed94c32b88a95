#include "core/api/auth.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace snapmgr::core::api {
namespace {

constexpr const char* kAuthRequired = "The request you have made requires authentication.";

std::string where(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1);
}

std::string header(const boost::beast::http::fields& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

}  // namespace

bool Identity::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

snapmgr::Result<std::map<std::string, Identity, std::less<>>, std::string> parse_tokens(const std::string& text,
                                                                                        const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg;
  }
  if (!root.IsMap()) {
    return file + ": expected a map of token -> {user, project, roles}, found " +
           (root.IsNull() ? std::string("an empty document") : std::string("something else"));
  }
  std::map<std::string, Identity, std::less<>> tokens;
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) return where(file, entry.first) + ": a token must be a string";
    std::string token = entry.first.as<std::string>();
    const YAML::Node& v = entry.second;
    std::string at = where(file, v.IsDefined() && !v.IsNull() ? v : entry.first) + ": token '" + token + "'";
    if (token.empty()) return at + ": a token must not be empty";
    if (!v.IsMap()) return at + ": expected a map {user, project, roles}";
    Identity id;
    for (const auto& member : v) {
      std::string key = member.first.as<std::string>();
      if (key == "user" || key == "project") {
        if (!member.second.IsScalar() || member.second.as<std::string>().empty()) {
          return at + ": '" + key + "' must be a non-empty string";
        }
        (key == "user" ? id.user_id : id.project_id) = member.second.as<std::string>();
      } else if (key == "roles") {
        if (!member.second.IsSequence()) return at + ": 'roles' must be a list of strings";
        for (const auto& role : member.second) {
          if (!role.IsScalar()) return at + ": 'roles' must be a list of strings";
          id.roles.push_back(role.as<std::string>());
        }
      } else {
        return at + ": unknown key '" + key + "' (accepted: user, project, roles)";
      }
    }
    if (id.user_id.empty()) return at + ": missing 'user'";
    if (id.project_id.empty()) return at + ": missing 'project'";
    id.is_admin = id.has_role("admin");
    tokens.emplace(std::move(token), std::move(id));
  }
  return tokens;
}

snapmgr::Result<Authenticator, std::string> Authenticator::create(const AuthConfig& config) {
  Authenticator auth;
  if (config.strategy != "tokens") return auth;
  std::ifstream in(config.tokens_file);
  if (!in) return "auth.tokens_file: cannot read '" + config.tokens_file + "'";
  std::stringstream text;
  text << in.rdbuf();
  auto tokens = parse_tokens(text.str(), config.tokens_file);
  if (!tokens) return tokens.error();
  auth.tokens_strategy_ = true;
  auth.tokens_ = std::move(*tokens);
  return auth;
}

snapmgr::Result<Identity, ApiError> Authenticator::authenticate(const boost::beast::http::fields& headers) const {
  std::string token = header(headers, "X-Auth-Token");
  if (tokens_strategy_) {
    auto it = tokens_.find(token);
    if (token.empty() || it == tokens_.end()) return ApiError::unauthorized(kAuthRequired);
    return it->second;
  }
  Identity id;
  id.is_admin = true;
  id.roles = {"admin"};
  if (!token.empty()) {
    auto colon = token.find(':');
    id.user_id = token.substr(0, colon);
    id.project_id = colon == std::string::npos ? "" : token.substr(colon + 1);
    if (id.project_id.empty()) id.project_id = id.user_id;
    return id;
  }
  id.user_id = header(headers, "x-user-id");
  id.project_id = header(headers, "x-project-id");
  if (id.user_id.empty() && id.project_id.empty()) {
    return ApiError::unauthorized(
        "The request you have made requires authentication. With auth strategy noauth send "
        "X-Auth-Token: <user>:<project> (or the x-user-id and x-project-id headers).");
  }
  if (id.user_id.empty()) id.user_id = id.project_id;
  if (id.project_id.empty()) id.project_id = id.user_id;
  return id;
}

}  // namespace snapmgr::core::api
