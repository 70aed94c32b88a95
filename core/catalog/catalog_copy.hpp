// Moving a single node's catalog to PostgreSQL (`snapmgrd --copy-catalog <sqlite file> <url>`):
// every row of every table of a SQLite catalog — live and soft-deleted volumes and snapshots,
// their metadata, the service rows — copied into an empty PostgreSQL database. Not the log of
// reference moves: it only matters to adoptions under way, and there are none during a copy.
//
// Contract:
// - The SQLite file is opened read-only and read in one transaction (one consistent snapshot);
//   it is refused when missing, not a snapmgr catalog, or at a schema version other than this
//   build's (newer: unknown to it; older: start this snapmgrd on it once, which migrates it).
// - The PostgreSQL database is migrated by the catalog's own migrations (postgres_migrations.hpp),
//   then must be at the SQLite file's version with the same tables and columns, and empty: a row
//   in any table (schema_version aside) refuses the copy with Fault::Conflict. A database that
//   already holds rows is refused before it is migrated, so a refusal changes nothing.
// - The copy is generic: tables, columns and their order come from the two schemas, not from
//   this code, so what a later migration adds is copied without a change here. Tables are
//   copied parents first (by their foreign keys); values go as text cast to the PostgreSQL
//   column's type (SQLite integers 0/1 become booleans); a sequence behind a serial or identity
//   column is moved past the largest value copied.
// - One PostgreSQL transaction, its tables locked against writers (EXCLUSIVE): the rows per
//   table are counted again in it and must equal SQLite's before it commits. Either everything
//   is copied or nothing (a refused or failed copy may leave an empty, migrated schema behind).
// - Messages never contain the password (PostgresPool::scrub; the URL is shown redacted).
//
// Faults: NotFound (no such file), BadRequest (not a catalog, versions or schemas differ, a
// value PostgreSQL's column cannot hold), Conflict (the database is not empty), Unavailable
// (PostgreSQL unreachable or refusing the login), Internal (anything else).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/catalog/postgres_pool.hpp"
#include "core/common/service_error.hpp"

namespace snapmgr::core {

struct CopiedTable {
  std::string name;
  std::size_t rows = 0;
};

struct CatalogCopySummary {
  int schema_version = 0;
  std::string target;               // the database's URL, without a password
  std::vector<CopiedTable> tables;  // in the order copied
};

ServiceResult<CatalogCopySummary> copy_catalog(const std::string& sqlite_path, const PostgresSettings& target);

}  // namespace snapmgr::core
