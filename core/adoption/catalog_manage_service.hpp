// ManageService over the catalog, the backends and the listing coordinator (see
// manage_service.hpp for the contract). Implementation files: catalog_manage_service.cpp
// (listings, reads, life cycle), adoption.cpp (manage_*), unmanage.cpp, recovery.cpp,
// metadata.cpp, service_registry.cpp (os-services: registration, heartbeat, listing).
//
// Background work — the driver's adopt step after a 202, release after an unmanage, and the
// service heartbeat — runs on an owned thread pool; every driver call is bounded by
// `call_timeout_s`, so destruction (which joins the pool) finishes in bounded time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <boost/asio/thread_pool.hpp>

#include "core/adoption/manage_service.hpp"
#include "core/backends/backend_registry.hpp"
#include "core/catalog/catalog.hpp"
#include "core/config/host_config.hpp"
#include "core/listing/listing_coordinator.hpp"

namespace snapmgr::core {

class CatalogManageService final : public ManageService {
 public:
  CatalogManageService(std::unique_ptr<Catalog> catalog, const BackendRegistry& backends, const HostConfig& config);
  ~CatalogManageService() override;

  ServiceStatus register_services(const std::string& advertise_url) override;
  ServiceResult<std::vector<ServiceView>> list_services(const ServiceFilter& filter) override;
  // Resolves rows a previous process left `creating` or `unmanaging` (finishes them or sets
  // `error` with a logged reason). Called once, before serving.
  void recover();

  ServiceResult<std::vector<SnapshotListingEntry>> list_manageable_snapshots(const ListingQuery& query,
                                                                             const Caller& caller) override;
  ServiceResult<std::vector<VolumeListingEntry>> list_manageable_volumes(const ListingQuery& query,
                                                                         const Caller& caller) override;
  ServiceResult<SnapshotRecord> manage_snapshot(const ManageSnapshotRequest& request, const Caller& caller) override;
  ServiceResult<VolumeRecord> manage_volume(const ManageVolumeRequest& request, const Caller& caller) override;
  ServiceStatus unmanage_snapshot(const std::string& snapshot_id, const Caller& caller) override;
  ServiceStatus unmanage_volume(const std::string& volume_id, const Caller& caller) override;
  ServiceResult<VolumeRecord> get_volume(const std::string& id) override;
  ServiceResult<SnapshotRecord> get_snapshot(const std::string& id) override;
  ServiceResult<std::vector<VolumeRecord>> list_volumes(const VolumeFilter& filter) override;
  ServiceResult<std::vector<SnapshotRecord>> list_snapshots(const SnapshotFilter& filter) override;
  ServiceResult<Metadata> update_metadata(ObjectKind kind, const std::string& id, const Metadata& metadata,
                                          bool replace) override;
  ServiceStatus delete_metadata_key(ObjectKind kind, const std::string& id, const std::string& key) override;

 private:
  snapmgr::Call new_call(const std::string& request_id) const;
  // Background steps; each ends the row in its final state and logs the outcome.
  void finish_snapshot_adoption(const SnapshotRecord& row, const snapmgr::StringMap& volume_reference,
                                std::int64_t size_gib, const std::string& request_id);
  void finish_volume_adoption(const VolumeRecord& row, const std::string& request_id);
  void finish_snapshot_unmanage(const SnapshotRecord& row, const std::string& request_id);
  void finish_volume_unmanage(const VolumeRecord& row, const std::string& request_id);
  void recover_snapshot_adoption(const SnapshotRecord& row);
  void recover_volume_adoption(const VolumeRecord& row);
  void mark_snapshot_error(const std::string& id, const std::string& reason);
  void mark_volume_error(const std::string& id, const std::string& reason);
  // Service registry (service_registry.cpp).
  std::vector<VolumeServiceRow> local_services(const std::string& advertise_url) const;
  void heartbeat_loop(std::vector<VolumeServiceRow> services);

  std::unique_ptr<Catalog> catalog_;
  const BackendRegistry& backends_;
  std::chrono::seconds call_timeout_;
  std::string host_;
  std::chrono::seconds report_interval_;
  std::chrono::seconds service_down_time_;
  ListingCoordinator listings_;
  boost::asio::thread_pool workers_;
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_cv_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace snapmgr::core
