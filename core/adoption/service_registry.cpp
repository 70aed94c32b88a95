// The service registry (os-services): registering this host's backends, their heartbeat, and
// the listing with each service's state.
#include "core/adoption/service_registry.hpp"

#include <algorithm>

#include "core/adoption/catalog_manage_service.hpp"
#include "core/catalog/timestamps.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

// A failing heartbeat is logged once, then at most this often, until it succeeds again.
constexpr auto kHeartbeatErrorLogInterval = std::chrono::seconds(60);

// Backends whose driver failed (neither up nor disabled) are registered but not heartbeated.
bool heartbeats(const VolumeServiceRow& row) { return row.backend_up || row.disabled; }

}  // namespace

bool service_host_matches(std::string_view service_host, std::string_view value) {
  if (service_host == value) return true;
  auto starts_with = [&](char separator) {
    return service_host.size() > value.size() && service_host.substr(0, value.size()) == value &&
           service_host[value.size()] == separator;
  };
  if (value.find('#') != std::string_view::npos) return false;
  if (starts_with('#')) return true;
  if (value.find('@') != std::string_view::npos) return false;
  return starts_with('@');
}

bool service_is_up(std::string_view updated_at, std::chrono::system_clock::time_point now,
                   std::chrono::seconds down_time) {
  auto at = parse_timestamp(updated_at);
  if (!at) return false;
  auto age = now > *at ? now - *at : *at - now;
  return age <= down_time;
}

std::vector<VolumeServiceRow> CatalogManageService::local_services(const std::string& advertise_url) const {
  std::vector<VolumeServiceRow> rows;
  for (const auto& b : backends_.all()) {
    VolumeServiceRow row;
    row.host = b->host;
    row.backend = b->name;
    row.cluster = b->cluster;
    row.disabled = b->state == BackendState::Disabled;
    row.backend_up = b->serving();
    row.advertise_url = advertise_url;
    rows.push_back(std::move(row));
  }
  return rows;
}

ServiceStatus CatalogManageService::register_services(const std::string& advertise_url) {
  if (heartbeat_.joinable()) return ServiceError{Fault::Internal, "the services are already registered"};
  auto rows = local_services(advertise_url);
  for (const auto& row : rows) {
    if (auto st = catalog_->upsert_service(row); !st) return st;
  }
  log().info("{} service(s) of host {} registered, advertising {}; heartbeat every {} s", rows.size(), host_,
             advertise_url, report_interval_.count());
  heartbeat_ = std::thread([this, rows = std::move(rows)]() mutable { heartbeat_loop(std::move(rows)); });
  return Done{};
}

void CatalogManageService::heartbeat_loop(std::vector<VolumeServiceRow> services) {
  std::vector<std::string> beating;
  for (const auto& s : services) {
    if (heartbeats(s)) beating.push_back(s.backend);
  }
  std::size_t failures = 0;
  std::chrono::steady_clock::time_point last_logged{};
  std::unique_lock lock(heartbeat_mutex_);
  while (!heartbeat_cv_.wait_for(lock, report_interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto found = catalog_->heartbeat(host_, beating);
    ServiceStatus st = Done{};
    // A backend whose driver worker died or came back: its row says so (os-services' backend_state).
    for (auto& row : services) {
      const Backend* b = backends_.find(row.host + "@" + row.backend);
      if (!b || b->serving() == row.backend_up || !found.ok()) continue;
      row.backend_up = b->serving();
      if (st.ok()) st = catalog_->upsert_service(row);
    }
    if (!found.ok()) {
      st = found.error();
    } else if (*found < beating.size()) {
      // A row went missing (removed by an operator): register again, as Cinder's report_state does.
      log().warn("{} of {} service row(s) of host {} are missing; registering them again", beating.size() - *found,
                 beating.size(), host_);
      for (const auto& row : services) {
        if (st.ok()) st = catalog_->upsert_service(row);
      }
    }
    if (!st.ok()) {
      ++failures;
      const auto now = std::chrono::steady_clock::now();
      if (failures == 1 || now - last_logged >= kHeartbeatErrorLogInterval) {
        log().warn("service heartbeat failed ({} time(s) in a row; logged at most once a minute): {}", failures,
                   st.error().message);
        last_logged = now;
      }
    } else if (failures > 0) {
      log().info("service heartbeat recovered after {} failure(s)", failures);
      failures = 0;
    }
    lock.lock();
  }
}

ServiceResult<std::vector<ServiceView>> CatalogManageService::list_services(const ServiceFilter& filter) {
  // Every row is a cinder-volume service: snapmgr has no scheduler or backup service.
  if (filter.binary && *filter.binary != kVolumeBinary) return std::vector<ServiceView>{};
  auto rows = catalog_->services();
  if (!rows.ok()) return rows.error();
  const auto now = std::chrono::system_clock::now();
  std::vector<ServiceView> out;
  for (auto& row : *rows) {
    if (filter.host && !filter.host->empty() && !service_host_matches(row.host + "@" + row.backend, *filter.host)) {
      continue;
    }
    const bool up = service_is_up(row.updated_at, now, service_down_time_);
    out.push_back({std::move(row), up});
  }
  return out;
}

}  // namespace snapmgr::core
