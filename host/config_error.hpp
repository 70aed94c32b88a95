// A configuration problem, located: file, 1-based line (0 when unknown) and the key path
// (`backends[1].options.volume_group`). Rendered as "<file>:<line>: <key>: <message>".
#pragma once

#include <string>
#include <vector>

namespace snapmgr::core {

struct ConfigError {
  std::string file;
  int line = 0;
  std::string key;
  std::string message;

  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

// All errors, one per line.
std::string to_string(const ConfigErrors& errors);

}  // namespace snapmgr::core
