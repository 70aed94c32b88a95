#include "core/config/internal_secret.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace snapmgr::core {

snapmgr::Result<InternalSecret, std::string> InternalSecret::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "internal_secret_file: cannot read '" + path + "': " + std::strerror(errno);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return "internal_secret_file: cannot read '" + path + "'";
  std::string value = text.str();
  while (!value.empty() && std::strchr(" \t\r\n", value.back())) value.pop_back();
  if (value.empty()) return "internal_secret_file: '" + path + "' is empty";
  if (value.size() < kMinLength) {
    return "internal_secret_file: the secret in '" + path + "' is too short (at least " + std::to_string(kMinLength) +
           " characters)";
  }
  return InternalSecret(std::make_shared<const std::string>(std::move(value)));
}

bool InternalSecret::matches(std::string_view presented) const {
  // Every byte of the secret is compared, whatever the presented length; a length mismatch only
  // changes the result, not the work done.
  const std::string& secret = *value_;
  unsigned char difference = presented.size() == secret.size() ? 0 : 1;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    const unsigned char theirs = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    difference |= static_cast<unsigned char>(theirs ^ static_cast<unsigned char>(secret[i]));
  }
  return difference == 0;
}

snapmgr::Result<std::optional<InternalSecret>, std::string> load_internal_secret(const HostConfig& config) {
  if (config.internal_secret_file.empty()) {
    if (!config.catalog) return std::optional<InternalSecret>();
    return std::string(
        "internal_secret_file: required with a PostgreSQL catalog (the nodes sharing it forward requests to "
        "each other, authenticated with this secret)");
  }
  auto secret = InternalSecret::load(config.internal_secret_file);
  if (!secret) return secret.error();
  return std::optional<InternalSecret>(std::move(secret).value());
}

}  // namespace snapmgr::core
