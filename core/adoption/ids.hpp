// Random (version 4) UUIDs for catalog rows and request ids, from Boost.UUID. Thread-safe.
#pragma once

#include <string>

namespace snapmgr::core {

std::string new_uuid();

}  // namespace snapmgr::core
