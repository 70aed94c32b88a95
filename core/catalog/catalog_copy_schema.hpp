// The two schemas `--copy-catalog` (catalog_copy.hpp) copies between, read from the databases
// themselves rather than from this build's migrations, so that the copy follows whatever tables
// and columns the migrations have made. Internal to the copy.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <pqxx/transaction_base>

namespace snapmgr::core::catalog_copy {

struct SqliteTable {
  std::string name;
  std::vector<std::string> columns;  // in declaration order
};

// Every table of `db` (SQLite's own sqlite_* aside), each after the tables its foreign keys refer
// to. Throws std::runtime_error when the foreign keys form a cycle, what SQLiteCpp throws when a
// read fails.
std::vector<SqliteTable> sqlite_tables(SQLite::Database& db);

// Table → column → the column's type as format_type() spells it ("text", "bigint", "boolean",
// "character varying(64)"): every ordinary table of the current schema but schema_version.
using PostgresTables = std::map<std::string, std::map<std::string, std::string>>;
PostgresTables postgres_tables(pqxx::transaction_base& tx);

// "" when both have the same tables with the same columns; otherwise the first difference
// ("table volumes: column claimed_by is only in PostgreSQL").
std::string schema_difference(const std::vector<SqliteTable>& sqlite, const PostgresTables& postgres);

// `name` as an SQL identifier, in double quotes (the same syntax on SQLite and PostgreSQL).
std::string quoted(const std::string& name);

}  // namespace snapmgr::core::catalog_copy
