// Validates a driver's options against the option keys it declares (snapmgr::OptionSpec):
// unknown keys, missing required keys and values of the wrong type are reported with file,
// line and key; absent keys with a default get the default. The driver then receives the
// completed map and checks only the inside of structured values. Used by the host for each
// backend and by the conformance kit for its --options file.
#pragma once

#include <string>

#include "host/config_error.hpp"
#include "snapmgr/descriptor.hpp"
#include "snapmgr/options.hpp"

namespace snapmgr::core {

// `options` must be a map. `path` is its key path for messages ("backends[0].options") and
// `line` the line of the entry it belongs to (for missing keys).
ConfigErrors validate_driver_options(snapmgr::OptionValue& options, const snapmgr::DriverDescriptor& driver,
                                     const std::string& file, const std::string& path, int line);

}  // namespace snapmgr::core
