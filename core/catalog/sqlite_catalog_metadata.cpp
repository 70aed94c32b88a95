// The SQLite catalog's metadata writes (Catalog::update_metadata, delete_metadata_key).
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/catalog/sqlite_catalog.hpp"
#include "core/catalog/sqlite_rows.hpp"

namespace snapmgr::core {
namespace rows = sqlite_rows;

namespace {

bool is_live(SQLite::Database& db, const rows::MetadataTable& t, const std::string& id) {
  SQLite::Statement q(db, std::string("SELECT 1 FROM ") + t.owners + " WHERE id = ? AND deleted = 0");
  q.bind(1, id);
  return q.executeStep();
}

ServiceError failed(const char* what, const rows::MetadataTable& t, const std::string& id, const std::exception& e) {
  return {Fault::Internal, std::string("catalog: ") + what + " of " + t.owners + " row " + id + " failed: " + e.what()};
}

}  // namespace

ServiceResult<std::optional<Metadata>> SqliteCatalog::update_metadata(ObjectKind kind, const std::string& id,
                                                                      const Metadata& metadata, bool replace) {
  const auto t = rows::metadata_table(kind);
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    if (!is_live(*writer_, t, id)) return std::optional<Metadata>{};
    if (replace) {
      SQLite::Statement clear(*writer_, std::string("DELETE FROM ") + t.table + " WHERE " + t.id_column + " = ?");
      clear.bind(1, id);
      clear.exec();
    }
    rows::write_metadata(*writer_, t.table, t.id_column, id, metadata);
    Metadata after = rows::read_metadata(*writer_, t.table, t.id_column, id);
    WriteWindow window(generation_);
    tx.commit();
    return std::optional<Metadata>(std::move(after));
  } catch (const std::exception& e) {
    return failed("updating the metadata", t, id, e);
  }
}

ServiceResult<bool> SqliteCatalog::delete_metadata_key(ObjectKind kind, const std::string& id, const std::string& key) {
  const auto t = rows::metadata_table(kind);
  try {
    std::lock_guard lock(writer_mutex_);
    SQLite::Transaction tx(*writer_);
    if (!is_live(*writer_, t, id)) return false;
    SQLite::Statement remove(*writer_,
                             std::string("DELETE FROM ") + t.table + " WHERE " + t.id_column + " = ? AND key = ?");
    remove.bind(1, id);
    remove.bind(2, key);
    const bool removed = remove.exec() > 0;
    if (removed) {
      WriteWindow window(generation_);
      tx.commit();
    }
    return removed;
  } catch (const std::exception& e) {
    return failed("deleting a metadata key", t, id, e);
  }
}

}  // namespace snapmgr::core
