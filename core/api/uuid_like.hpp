// oslo.utils' is_uuid_like(), the check behind Cinder's `uuid` schema format: after removing
// every "urn:" and "uuid:", stripping '{' and '}' from both ends and dropping hyphens, the text
// must be exactly 32 hex digits (either case). So "{URN:…}" fails but "urn:uuid:{…}" and a
// hyphen-less or upper-case UUID pass — they then simply match no catalog row (404).
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace snapmgr::core::api {

bool is_uuid_like(std::string_view text);

}  // namespace snapmgr::core::api
