// Appending JSON text directly to a string, for the large listing bodies: no document is built,
// nothing is allocated per value. The output is byte for byte what boost::json::serialize writes
// for the same values (json_text_test checks it against Boost.JSON on random strings).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "snapmgr/string_map.hpp"

namespace snapmgr::core::api {

// `s` as a JSON string: quotes, `"` and `\` escaped, control characters as \b \f \n \r \t or
// \u00XX; every other byte as it is (UTF-8 passes through).
void append_json_string(std::string& out, std::string_view s);
// A string, or null.
void append_json_nullable(std::string& out, const std::optional<std::string>& s);
// {"key": "value", ...} in the map's order.
void append_json_object(std::string& out, const snapmgr::StringMap& map);

}  // namespace snapmgr::core::api
