#include "core/catalog/catalog_copy_schema.hpp"

#include <set>
#include <stdexcept>

#include <SQLiteCpp/Statement.h>
#include <pqxx/result>

namespace snapmgr::core::catalog_copy {
namespace {

std::vector<std::string> strings(SQLite::Database& db, const std::string& sql, const std::string& parameter) {
  SQLite::Statement query(db, sql);
  query.bind(1, parameter);
  std::vector<std::string> out;
  while (query.executeStep()) out.push_back(query.getColumn(0).getString());
  return out;
}

}  // namespace

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// Both listings leave out reference_moves: a log of recent renames that only adoptions under way
// on the source read (catalog.hpp, reference_mark), none of which survive the copy.
std::vector<SqliteTable> sqlite_tables(SQLite::Database& db) {
  struct Pending {
    SqliteTable table;
    std::set<std::string> parents;
  };
  std::vector<Pending> pending;
  SQLite::Statement names(db,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                          "ESCAPE '\\' AND name <> 'reference_moves' ORDER BY rowid");
  while (names.executeStep()) {
    Pending p;
    p.table.name = names.getColumn(0).getString();
    p.table.columns = strings(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid", p.table.name);
    for (auto& parent : strings(db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", p.table.name)) {
      if (parent != p.table.name) p.parents.insert(std::move(parent));
    }
    pending.push_back(std::move(p));
  }
  // Creation order, except that a table waits for its parents.
  std::vector<SqliteTable> ordered;
  std::set<std::string> placed;
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      bool ready = true;
      for (const auto& parent : it->parents) ready = ready && placed.count(parent) > 0;
      if (!ready) {
        ++it;
        continue;
      }
      placed.insert(it->table.name);
      ordered.push_back(std::move(it->table));
      it = pending.erase(it);
      progress = true;
    }
    if (!progress) {
      throw std::runtime_error("the foreign keys of table " + pending.front().table.name +
                               " refer to a missing table or form a cycle");
    }
  }
  return ordered;
}

PostgresTables postgres_tables(pqxx::transaction_base& tx) {
  PostgresTables out;
  for (const auto& row :
       tx.exec("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c "
               "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
               "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_version' "
               "AND c.relname <> 'reference_moves' "
               "AND a.attnum > 0 AND NOT a.attisdropped")) {
    out[row[0].as<std::string>()][row[1].as<std::string>()] = row[2].as<std::string>();
  }
  return out;
}

std::string schema_difference(const std::vector<SqliteTable>& sqlite, const PostgresTables& postgres) {
  std::set<std::string> sqlite_names;
  for (const auto& table : sqlite) {
    sqlite_names.insert(table.name);
    auto found = postgres.find(table.name);
    if (found == postgres.end()) return "table " + table.name + " is only in SQLite";
    std::set<std::string> columns(table.columns.begin(), table.columns.end());
    for (const auto& column : table.columns) {
      if (!found->second.count(column)) return "table " + table.name + ": column " + column + " is only in SQLite";
    }
    for (const auto& [column, type] : found->second) {
      if (!columns.count(column)) return "table " + table.name + ": column " + column + " is only in PostgreSQL";
    }
  }
  for (const auto& [name, columns] : postgres) {
    if (!sqlite_names.count(name)) return "table " + name + " is only in PostgreSQL";
  }
  return "";
}

}  // namespace snapmgr::core::catalog_copy
