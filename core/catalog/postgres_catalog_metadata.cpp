// The PostgreSQL catalog's metadata writes (Catalog::update_metadata, delete_metadata_key).
#include <pqxx/transaction>

#include "core/catalog/postgres_call.hpp"
#include "core/catalog/postgres_catalog.hpp"
#include "core/catalog/postgres_rows.hpp"

namespace snapmgr::core {
namespace rows = postgres_rows;
using postgres_call::commit;

namespace {

// Whether `id` is a live row, locking it until the commit: a concurrent soft delete waits, so
// metadata is never written to a row deleted meanwhile.
bool lock_live(pqxx::transaction_base& tx, const rows::MetadataTable& t, const std::string& id) {
  return !tx.exec_params(std::string("SELECT 1 FROM ") + t.owners + " WHERE id = $1 AND NOT deleted FOR NO KEY UPDATE",
                         id)
              .empty();
}

std::string describe(const char* what, const rows::MetadataTable& t, const std::string& id) {
  return std::string(what) + " of " + t.owners + " row " + id;
}

}  // namespace

ServiceResult<std::optional<Metadata>> PostgresCatalog::update_metadata(ObjectKind kind, const std::string& id,
                                                                        const Metadata& metadata, bool replace) {
  const auto t = rows::metadata_table(kind);
  return run<std::optional<Metadata>>(
      describe("updating the metadata", t, id), [&](pqxx::connection& c) -> ServiceResult<std::optional<Metadata>> {
        pqxx::work tx(c);
        if (!lock_live(tx, t, id)) return std::optional<Metadata>{};
        if (replace) tx.exec_params(std::string("DELETE FROM ") + t.table + " WHERE " + t.id_column + " = $1", id);
        rows::write_metadata(tx, t, id, metadata);
        Metadata after = rows::read_metadata(tx, t, id);
        notify(tx, false);
        WriteWindow window(*this);
        commit(tx, c);
        return std::optional<Metadata>(std::move(after));
      });
}

ServiceResult<bool> PostgresCatalog::delete_metadata_key(ObjectKind kind, const std::string& id,
                                                         const std::string& key) {
  const auto t = rows::metadata_table(kind);
  return run<bool>(describe("deleting a metadata key", t, id), [&](pqxx::connection& c) -> ServiceResult<bool> {
    pqxx::work tx(c);
    if (!lock_live(tx, t, id)) return false;
    const bool removed =
        tx.exec_params(std::string("DELETE FROM ") + t.table + " WHERE " + t.id_column + " = $1 AND key = $2", id, key)
            .affected_rows() > 0;
    if (removed) {
      notify(tx, false);
      WriteWindow window(*this);
      commit(tx, c);
    }
    return removed;
  });
}

}  // namespace snapmgr::core
