// The catalog's versioned schema. Each migration moves the schema from version N-1 to N and runs
// in its own transaction together with the version bump; start-up applies the missing ones in
// order and refuses a catalog newer than this build knows.
#pragma once

#include <SQLiteCpp/Database.h>

#include "core/common/service_error.hpp"

namespace snapmgr::core {

// The schema version this build writes.
int latest_schema_version();

// Brings `db` to latest_schema_version(); Internal error on failure or on a newer catalog.
ServiceStatus migrate(SQLite::Database& db);

}  // namespace snapmgr::core
