// Opening the service: the catalog (SQLite in `config.state_dir`, or PostgreSQL with `catalog:`;
// created and migrated at start-up, see core/catalog/catalog_factory.hpp), crash recovery (rows
// left `creating`/`unmanaging` by a previous process are resolved), and the adoption worker pool.
// The service registry is started later, once the API listens and its URL is known
// (ManageService::register_services).
//
// Ownership: the returned service borrows `backends`, which must outlive it. Destroying the
// service stops accepting work, lets running adoptions finish (each bounded by the call
// deadline) and closes the catalog cleanly.
#pragma once

#include <memory>

#include "core/adoption/manage_service.hpp"
#include "core/backends/backend_registry.hpp"
#include "core/config/host_config.hpp"

namespace snapmgr::core {

ServiceResult<std::unique_ptr<ManageService>> open_manage_service(const HostConfig& config,
                                                                  const BackendRegistry& backends);

}  // namespace snapmgr::core
