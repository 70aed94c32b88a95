#include "core/adoption/catalog_manage_service.hpp"

#include <algorithm>

#include "core/adoption/host_resolution.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// The job workers' safety-net poll (shorter when report_interval_s is).
constexpr std::chrono::milliseconds kJobPollInterval{5000};

template <class Listing, class Fetch>
auto list_across(const BackendRegistry& backends, const ListingQuery& query, Fetch fetch)
    -> ServiceResult<std::vector<typename Listing::Entry>> {
  auto targets = resolve_listing_backends(backends, query.host, query.cluster);
  if (!targets.ok()) return targets.error();
  std::vector<std::shared_ptr<const Listing>> parts;
  for (const Backend* backend : *targets) {
    auto listing = fetch(*backend);
    if (!listing.ok()) return listing.error();
    parts.push_back(*listing);
  }
  if (parts.size() == 1) return parts.front()->page(query);
  return Listing(std::move(parts)).page(query);
}

}  // namespace

CatalogManageService::CatalogManageService(std::unique_ptr<Catalog> catalog, const BackendRegistry& backends,
                                           const HostConfig& config)
    : catalog_(std::move(catalog)),
      backends_(backends),
      call_timeout_(config.call_timeout_s),
      host_(config.host),
      report_interval_(config.report_interval_s),
      service_down_time_(config.service_down_time_s),
      listings_(*catalog_, call_timeout_, std::chrono::milliseconds(config.listing_max_age_ms)),
      jobs_(static_cast<std::size_t>(config.adoption_workers),
            std::min<std::chrono::milliseconds>(kJobPollInterval, report_interval_)) {}

CatalogManageService::~CatalogManageService() {
  {
    std::lock_guard lock(heartbeat_mutex_);
    stopping_ = true;
  }
  heartbeat_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  catalog_->on_jobs_queued(nullptr);
  jobs_.stop();  // running jobs finish; each driver call is bounded by its deadline
  log().info("adoption workers stopped; catalog closed");
}

snapmgr::Call CatalogManageService::new_call(const std::string& request_id) const {
  snapmgr::Call call;
  call.deadline = snapmgr::Call::Clock::now() + call_timeout_;
  call.request_id = request_id;
  return call;
}

ServiceResult<std::vector<SnapshotListingEntry>> CatalogManageService::list_manageable_snapshots(
    const ListingQuery& query, const Caller& caller) {
  return list_across<SnapshotListing>(backends_, query,
                                      [&](const Backend& b) { return listings_.snapshots(b, caller.request_id); });
}

ServiceResult<std::vector<VolumeListingEntry>> CatalogManageService::list_manageable_volumes(const ListingQuery& query,
                                                                                             const Caller& caller) {
  return list_across<VolumeListing>(backends_, query,
                                    [&](const Backend& b) { return listings_.volumes(b, caller.request_id); });
}

ServiceResult<VolumeRecord> CatalogManageService::get_volume(const std::string& id) {
  auto row = catalog_->find_volume(id);
  if (!row.ok()) return row.error();
  if (!*row) return ServiceError{Fault::NotFound, "Volume " + id + " could not be found."};
  return std::move(**row);
}

ServiceResult<SnapshotRecord> CatalogManageService::get_snapshot(const std::string& id) {
  auto row = catalog_->find_snapshot(id);
  if (!row.ok()) return row.error();
  if (!*row) return ServiceError{Fault::NotFound, "Snapshot " + id + " could not be found."};
  return std::move(**row);
}

ServiceResult<std::vector<VolumeRecord>> CatalogManageService::list_volumes(const VolumeFilter& filter) {
  RowQuery q;
  q.project_id = filter.project_id;
  q.name = filter.name;
  return catalog_->find_volumes(q);
}

ServiceResult<std::vector<SnapshotRecord>> CatalogManageService::list_snapshots(const SnapshotFilter& filter) {
  RowQuery q;
  q.project_id = filter.project_id;
  q.volume_id = filter.volume_id;
  return catalog_->find_snapshots(q);
}

}  // namespace snapmgr::core
