// The PostgreSQL catalog's versioned schema: the same logical schema and version numbers as the
// SQLite one (migrations.cpp), so that version N means the same tables on both. The version is
// the one row of `schema_version`. Each migration runs in its own transaction together with the
// version bump, under a transaction-scoped advisory lock, so that hosts starting at once against
// one database migrate it once; a database newer than this build knows is refused.
#pragma once

#include <pqxx/connection>

#include "core/common/service_error.hpp"

namespace snapmgr::core {

// The schema version this build writes (equal to latest_schema_version(), the SQLite one).
int latest_postgres_schema_version();

// The database's schema version (0: never migrated). Throws what libpqxx throws.
int postgres_schema_version(pqxx::connection& connection);

// Brings the database to latest_postgres_schema_version(). Internal error on a newer schema;
// throws what libpqxx throws on a failed statement (the caller maps connection errors).
ServiceStatus migrate_postgres(pqxx::connection& connection, const std::string& display_url);

}  // namespace snapmgr::core
