// References (StringMap) as text: the catalog stores a provider reference as canonical JSON —
// keys in ascending order, no whitespace — so that two equal references are equal strings and
// the unique index on (backend, provider_reference) means "one live row per backend object".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "snapmgr/string_map.hpp"

namespace snapmgr::core {

std::string to_canonical_json(const snapmgr::StringMap& reference);

// A JSON object of strings back into a map; nullopt for anything else.
std::optional<snapmgr::StringMap> from_json_object(std::string_view text);

}  // namespace snapmgr::core
