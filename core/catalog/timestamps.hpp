// Cinder's timestamp format: naive UTC ISO 8601 with microseconds, "2026-11-27T00:18:22.008177".
#pragma once

#include <string>

namespace snapmgr::core {

std::string now_timestamp();

}  // namespace snapmgr::core
