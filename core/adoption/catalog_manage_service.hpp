// ManageService over the catalog, the backends and the listing coordinator (see
// manage_service.hpp for the contract). Implementation files: catalog_manage_service.cpp
// (listings, reads, life cycle), adoption.cpp (manage_*), unmanage.cpp, recovery.cpp,
// metadata.cpp, service_registry.cpp (os-services: registration, heartbeat, listing).
//
// Background work — the driver's adopt step after a 202, release after an unmanage — is a job
// queued in the catalog: the `creating` / `unmanaging` row itself (catalog.hpp, Job). This
// node's workers (job_dispatcher.hpp, `adoption_workers` threads) claim the jobs of the backends
// it serves (jobs.cpp): its own backends, and those of the other members of each cluster one of
// its up backends is in; jobs claimed by a node whose service is down are taken over. A job
// queued here wakes the workers at once, one queued by another node through the catalog's
// notification, and they poll every min(5 s, report_interval_s) besides. Every driver call is
// bounded by `call_timeout_s`, so destruction (which joins the workers and the heartbeat)
// finishes in bounded time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/adoption/job_dispatcher.hpp"
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
  // Runs, before returning, the jobs left for this node — those a previous process of this host
  // claimed and left `creating` or `unmanaging`, unclaimed ones, and ones claimed by a node that
  // is down — finishing each or setting `error` with a logged reason; rows of backends this node
  // does not serve are left alone. Then starts the job workers. Called once, before serving.
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
  // The adopt step of a snapshot job: its volume's reference from the catalog, then
  // finish_snapshot_adoption, or — for a row without a stored size — the driver's adopt and
  // inspect again (recover_snapshot_adoption).
  void adopt_snapshot_job(const SnapshotRecord& row, const std::string& request_id);
  void recover_snapshot_adoption(const SnapshotRecord& row, const snapmgr::StringMap& volume_reference);
  // Jobs (jobs.cpp).
  std::vector<std::string> served_backends() const;
  ServiceResult<std::vector<Job>> claim(std::vector<std::string> backends, const std::vector<std::string>& not_again,
                                        std::size_t limit);
  std::string serving_backend(const std::string& row_backend) const;
  // Runs one claimed job; `request_id` "" means the one stored in its row.
  void run_job(const Job& job, const std::string& request_id);
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
  JobDispatcher jobs_;
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_cv_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace snapmgr::core
