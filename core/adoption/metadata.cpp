// CatalogManageService: the metadata of catalog rows (Cinder's */metadata resources). Catalog
// only — no driver is called, as Cinder's metadata calls never reach the volume service.
#include "core/adoption/catalog_manage_service.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

std::string owner_name(ObjectKind kind) { return kind == ObjectKind::Volume ? "Volume " : "Snapshot "; }

ServiceError row_not_found(ObjectKind kind, const std::string& id) {
  return {Fault::NotFound, owner_name(kind) + id + " could not be found."};
}

}  // namespace

ServiceResult<Metadata> CatalogManageService::update_metadata(ObjectKind kind, const std::string& id,
                                                              const Metadata& metadata, bool replace) {
  auto written = catalog_->update_metadata(kind, id, metadata, replace);
  if (!written.ok()) return written.error();
  if (!*written) return row_not_found(kind, id);
  log().info("{}{} metadata {} ({} keys now)", owner_name(kind), id, replace ? "replaced" : "updated",
             (*written)->size());
  return std::move(**written);
}

ServiceStatus CatalogManageService::delete_metadata_key(ObjectKind kind, const std::string& id,
                                                        const std::string& key) {
  auto removed = catalog_->delete_metadata_key(kind, id, key);
  if (!removed.ok()) return removed.error();
  if (!*removed) return ServiceError{Fault::NotFound, owner_name(kind) + id + " has no metadata with key " + key + "."};
  log().info("{}{} metadata key {} deleted", owner_name(kind), id, key);
  return Done{};
}

}  // namespace snapmgr::core
