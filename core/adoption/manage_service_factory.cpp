#include "core/adoption/manage_service_factory.hpp"

#include <filesystem>

#include "core/catalog/sqlite_catalog.hpp"
#include "core/logging/logging.hpp"
#include "core/adoption/catalog_manage_service.hpp"

namespace snapmgr::core {

ServiceResult<std::unique_ptr<ManageService>> open_manage_service(const HostConfig& config,
                                                                  const BackendRegistry& backends) {
  const std::string path = (std::filesystem::path(config.state_dir) / "catalog.sqlite").string();
  auto catalog = SqliteCatalog::open(path);
  if (!catalog.ok()) return catalog.error();
  log().info("catalog {} open", path);
  auto service = std::make_unique<CatalogManageService>(std::move(*catalog), backends, config);
  service->recover();
  return std::unique_ptr<ManageService>(std::move(service));
}

}  // namespace snapmgr::core
