// The kit's --options file: the driver's `options:` map as YAML, turned into the OptionValue the
// driver receives exactly as snapmgrd builds it for a backend.
//
// Steps (the fixture hook convention): every `${SNAPMGR_FIXTURE_DIR}` in the file's text is
// replaced by the fixture directory; the text is parsed (an empty file is an empty map); the
// YAML map `hook setup` printed on stdout is merged over it (its keys win); the result is
// validated against the driver's declared options with the host's own validation (unknown keys,
// wrong types, missing required keys; defaults filled in). Errors name the file, the line and
// the key.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "snapmgr/descriptor.hpp"
#include "snapmgr/options.hpp"

namespace snapmgr::conformance {

inline constexpr std::string_view kFixtureDirVariable = "${SNAPMGR_FIXTURE_DIR}";

struct OptionsLoad {
  std::optional<OptionValue> options;  // a map; set when `error` is empty
  std::string error;                   // one problem per line
};

std::string substitute_fixture_dir(std::string text, std::string_view fixture_dir);

// `setup_output` may be empty.
OptionsLoad load_driver_options(const std::string& path, std::string_view fixture_dir, std::string_view setup_output,
                                const DriverDescriptor& driver);

}  // namespace snapmgr::conformance
