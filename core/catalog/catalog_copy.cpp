#include "core/catalog/catalog_copy.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <pqxx/except>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>

#include "core/catalog/catalog_copy_schema.hpp"
#include "core/catalog/catalog_copy_values.hpp"
#include "core/catalog/migrations.hpp"
#include "core/catalog/postgres_call.hpp"
#include "core/catalog/postgres_migrations.hpp"

namespace snapmgr::core {
namespace cc = catalog_copy;
namespace {

// A refusal found somewhere down the copy; copy_catalog returns its error.
struct Refused {
  ServiceError error;
};

[[noreturn]] void refuse(Fault fault, std::string message) { throw Refused{{fault, std::move(message)}}; }

// Rows per INSERT statement, within PostgreSQL's 65535 parameters per statement.
constexpr std::size_t kRowsPerInsert = 200;
constexpr std::size_t kMaxParameters = 65535;

// What the copy reads from the SQLite file before it touches PostgreSQL.
struct Source {
  std::string path;
  int version = 0;
  std::vector<cc::SqliteTable> tables;  // parents first
  std::map<std::string, std::size_t> rows;
};

Source read_source(SQLite::Database& db, const std::string& path) {
  Source source;
  source.path = path;
  source.version = db.execAndGet("PRAGMA user_version").getInt();
  source.tables = cc::sqlite_tables(db);
  const auto has = [&](const char* name) {
    return std::any_of(source.tables.begin(), source.tables.end(), [&](const auto& t) { return t.name == name; });
  };
  if (source.version == 0 || !has("volumes") || !has("snapshots")) {
    refuse(Fault::BadRequest, path + " is not a snapmgr catalog (no volumes and snapshots tables at a schema version)");
  }
  const int latest = latest_schema_version();
  if (source.version > latest) {
    refuse(Fault::BadRequest, path + " has schema version " + std::to_string(source.version) +
                                  ", newer than this snapmgrd knows (" + std::to_string(latest) + ")");
  }
  if (source.version < latest) {
    refuse(Fault::BadRequest, path + " has schema version " + std::to_string(source.version) +
                                  ", older than this snapmgrd's (" + std::to_string(latest) +
                                  "): start this snapmgrd on it once (start-up migrates it), stop it, then copy");
  }
  for (const auto& table : source.tables) {
    source.rows[table.name] =
        static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM " + cc::quoted(table.name)).getInt64());
  }
  return source;
}

// The first table of the database that holds a row, with its row count.
std::optional<std::pair<std::string, std::size_t>> first_non_empty(pqxx::transaction_base& tx,
                                                                   const cc::PostgresTables& tables) {
  for (const auto& [name, columns] : tables) {
    const auto rows = tx.exec("SELECT count(*) FROM " + cc::quoted(name))[0][0].as<std::size_t>();
    if (rows > 0) return std::pair{name, rows};
  }
  return std::nullopt;
}

void refuse_unless_empty(pqxx::transaction_base& tx, const cc::PostgresTables& tables, const std::string& url) {
  if (auto found = first_non_empty(tx, tables)) {
    refuse(Fault::Conflict, "the database " + url + " is not empty (table " + found->first + " has " +
                                std::to_string(found->second) +
                                " rows): --copy-catalog copies into an empty database only; nothing was changed");
  }
}

// Checks the database before anything is written to it, migrates it, and checks its version.
void prepare_target(pqxx::connection& c, const std::string& url, const Source& source) {
  const int found = postgres_schema_version(c);
  const int latest = latest_postgres_schema_version();
  if (found > latest) {
    refuse(Fault::BadRequest, "the database " + url + " has schema version " + std::to_string(found) +
                                  ", newer than this snapmgrd knows (" + std::to_string(latest) + ")");
  }
  {
    pqxx::read_transaction tx(c);
    refuse_unless_empty(tx, cc::postgres_tables(tx), url);
  }
  if (auto migrated = migrate_postgres(c, url); !migrated) throw Refused{migrated.error()};
  const int migrated_to = postgres_schema_version(c);
  if (migrated_to != source.version) {
    refuse(Fault::BadRequest, "the schema versions differ: " + source.path + " is at " +
                                  std::to_string(source.version) + ", " + url + " at " + std::to_string(migrated_to) +
                                  "; nothing was copied");
  }
}

std::string joined_columns(const cc::SqliteTable& table) {
  std::string out;
  for (const auto& column : table.columns) out += (out.empty() ? "" : ", ") + cc::quoted(column);
  return out;
}

// Copies one table's rows in INSERTs of up to kRowsPerInsert rows; returns how many.
std::size_t copy_table(SQLite::Database& db, pqxx::work& tx, const cc::SqliteTable& table,
                       const std::map<std::string, std::string>& types) {
  const std::string columns = joined_columns(table);
  std::vector<std::string> column_types;
  for (const auto& column : table.columns) column_types.push_back(types.at(column));
  const std::size_t per_insert = std::max<std::size_t>(
      1, std::min(kRowsPerInsert, kMaxParameters / std::max<std::size_t>(1, table.columns.size())));

  std::vector<std::optional<std::string>> values;
  std::size_t batch = 0;
  std::size_t copied = 0;
  const auto flush = [&] {
    if (batch == 0) return;
    std::string sql = "INSERT INTO " + cc::quoted(table.name) + " (" + columns + ") VALUES ";
    std::size_t parameter = 0;
    for (std::size_t row = 0; row < batch; ++row) {
      sql += row == 0 ? "(" : ", (";
      for (std::size_t i = 0; i < column_types.size(); ++i) {
        sql += (i == 0 ? "$" : ", $") + std::to_string(++parameter) + "::" + column_types[i];
      }
      sql += ")";
    }
    std::vector<const char*> parameters;  // nullptr: NULL
    for (const auto& value : values) parameters.push_back(value ? value->c_str() : nullptr);
    tx.exec_params(sql, pqxx::prepare::make_dynamic_params(parameters));
    copied += batch;
    batch = 0;
    values.clear();
  };

  SQLite::Statement select(db, "SELECT " + columns + " FROM " + cc::quoted(table.name));
  for (std::size_t row = 1; select.executeStep(); ++row) {
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      try {
        values.push_back(cc::postgres_text(select.getColumn(static_cast<int>(i)), column_types[i]));
      } catch (const cc::ValueRefused& e) {
        refuse(Fault::BadRequest, "table " + table.name + ", row " + std::to_string(row) + ", column " +
                                      table.columns[i] + ": " + e.what() + "; nothing was copied");
      }
    }
    if (++batch == per_insert) flush();
  }
  flush();
  return copied;
}

// Moves each sequence that fills a serial or identity column of `table` past the values copied.
void advance_sequences(pqxx::work& tx, const std::string& table) {
  const std::string name = cc::quoted(table);
  for (const auto& row : tx.exec_params("SELECT a.attname, pg_get_serial_sequence($1, a.attname) FROM pg_attribute a "
                                        "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                                        "AND pg_get_serial_sequence($1, a.attname) IS NOT NULL",
                                        name)) {
    tx.exec_params("SELECT setval($1::regclass, m) FROM (SELECT max(" + cc::quoted(row[0].as<std::string>()) +
                       ") AS m FROM " + name + ") s WHERE m IS NOT NULL",
                   row[1].as<std::string>());
  }
}

CatalogCopySummary copy_rows(SQLite::Database& db, pqxx::connection& c, const std::string& url, const Source& source) {
  pqxx::work tx(c);
  const auto tables = cc::postgres_tables(tx);
  std::string lock;
  for (const auto& [name, columns] : tables) lock += (lock.empty() ? "" : ", ") + cc::quoted(name);
  if (!lock.empty()) tx.exec("LOCK TABLE " + lock + " IN EXCLUSIVE MODE");  // no writer until the commit
  if (auto difference = cc::schema_difference(source.tables, tables); !difference.empty()) {
    refuse(Fault::BadRequest, "the schemas of " + source.path + " and " + url + " differ at version " +
                                  std::to_string(source.version) + ": " + difference + "; nothing was copied");
  }
  refuse_unless_empty(tx, tables, url);

  CatalogCopySummary summary;
  summary.schema_version = source.version;
  summary.target = url;
  for (const auto& table : source.tables) {
    std::size_t copied = 0;
    try {
      copied = copy_table(db, tx, table, tables.at(table.name));
    } catch (const pqxx::sql_error& e) {
      if (postgres_call::lost_connection(e, c)) throw pqxx::broken_connection(e.what());
      refuse(Fault::BadRequest,
             "copying table " + table.name + " failed: " + one_line(e.what()) + "; nothing was copied");
    }
    const auto counted = tx.exec("SELECT count(*) FROM " + cc::quoted(table.name))[0][0].as<std::size_t>();
    const std::size_t expected = source.rows.at(table.name);
    if (copied != expected || counted != expected) {
      refuse(Fault::Internal, "verifying the copy failed: table " + table.name + " has " + std::to_string(expected) +
                                  " rows in " + source.path + ", " + std::to_string(copied) + " were read and " +
                                  std::to_string(counted) + " are in " + url + "; nothing was copied");
    }
    advance_sequences(tx, table.name);
    summary.tables.push_back({table.name, counted});
  }
  tx.commit();
  return summary;
}

}  // namespace

ServiceResult<CatalogCopySummary> copy_catalog(const std::string& sqlite_path, const PostgresSettings& target) {
  PostgresSettings settings = target;
  settings.pool_size = 1;
  PostgresPool pool(settings);
  const std::string& url = pool.display_url();
  try {
    std::error_code ec;
    if (!std::filesystem::exists(sqlite_path, ec)) refuse(Fault::NotFound, "no SQLite catalog at " + sqlite_path);
    if (!std::filesystem::is_regular_file(sqlite_path, ec)) {
      refuse(Fault::BadRequest, sqlite_path + " is not a snapmgr catalog (not a regular file)");
    }
    SQLite::Database db(sqlite_path, SQLite::OPEN_READONLY);
    std::optional<Source> source;
    try {
      db.exec("BEGIN");  // every read below sees one snapshot of the file
      source = read_source(db, sqlite_path);
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_NOTADB) throw;
      refuse(Fault::BadRequest, sqlite_path + " is not a snapmgr catalog (not an SQLite database)");
    }
    auto lease = pool.acquire();
    if (!lease) return lease.error();
    try {
      prepare_target(lease->connection(), url, *source);
      return copy_rows(db, lease->connection(), url, *source);
    } catch (const pqxx::in_doubt_error&) {
      lease->discard();
      return ServiceError{Fault::Unavailable, "catalog unavailable: the connection to " + url +
                                                  " broke while committing the copy; it may or may not have been "
                                                  "committed (run --copy-catalog again: it refuses if it was)"};
    } catch (const pqxx::broken_connection& e) {
      lease->discard();
      return ServiceError{Fault::Unavailable, "catalog unavailable: lost the connection to " + url + ": " +
                                                  pool.scrub(one_line(e.what())) + "; nothing was copied"};
    }
  } catch (const Refused& refused) {
    return ServiceError{refused.error.fault, pool.scrub(refused.error.message)};
  } catch (const SQLite::Exception& e) {
    return ServiceError{Fault::Internal, "reading " + sqlite_path + " failed: " + e.what()};
  } catch (const std::exception& e) {
    return ServiceError{Fault::Internal,
                        "copying the catalog to " + url + " failed: " + pool.scrub(one_line(e.what()))};
  }
}

}  // namespace snapmgr::core
