#include "core/adoption/manage_service_factory.hpp"

#include "core/adoption/catalog_manage_service.hpp"
#include "core/catalog/catalog_factory.hpp"

namespace snapmgr::core {

ServiceResult<std::unique_ptr<ManageService>> open_manage_service(const HostConfig& config,
                                                                  const BackendRegistry& backends) {
  auto catalog = open_catalog(config);
  if (!catalog.ok()) return catalog.error();
  auto service = std::make_unique<CatalogManageService>(std::move(*catalog), backends, config);
  service->recover();
  return std::unique_ptr<ManageService>(std::move(service));
}

}  // namespace snapmgr::core
