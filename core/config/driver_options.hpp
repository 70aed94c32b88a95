// Validates a backend's `options:` block against the option keys its driver declares
// (snapmgr::OptionSpec): unknown keys, missing required keys and values of the wrong type are
// reported with file, line and key; absent keys with a default get the default. The driver then
// receives the completed map and checks only the inside of structured values.
#pragma once

#include <string>

#include "core/config/config_error.hpp"
#include "core/config/host_config.hpp"
#include "snapmgr/descriptor.hpp"

namespace snapmgr::core {

// `index` is the backend's position in `backends:`, for the key path.
ConfigErrors validate_backend_options(BackendConfig& backend, std::size_t index,
                                      const snapmgr::DriverDescriptor& driver,
                                      const std::string& file);

}  // namespace snapmgr::core
