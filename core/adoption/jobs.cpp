// The job flow (catalog_manage_service.hpp): which backends' jobs this node takes, claiming
// them, and running one — the row is read again from the catalog, and its driver step is the
// one the 202 promised (adopt → `available`/`error`; release → soft delete/`error`).
#include "core/adoption/catalog_manage_service.hpp"
#include "core/catalog/timestamps.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {

// Its own backends — up, or not clustered (then nobody else can finish their jobs: a down one
// ends them in `error` as before) — and, for each up backend in a cluster, the other members'
// backends of the same name in that cluster (Cinder's active-active: any up member serves them).
std::vector<std::string> CatalogManageService::served_backends() const {
  std::vector<std::string> keys;
  bool clustered = false;
  for (const auto& b : backends_.all()) {
    if (b->up() || b->cluster.empty()) keys.push_back(b->key);
    clustered = clustered || (b->up() && !b->cluster.empty());
  }
  if (!clustered) return keys;
  auto services = catalog_->services();
  if (!services.ok()) {
    log().warn("jobs: cannot read the service registry (only this node's own backends are served): {}",
               services.error().message);
    return keys;
  }
  for (const auto& s : *services) {
    if (s.host == host_ || s.cluster.empty()) continue;
    for (const auto& b : backends_.all()) {
      if (b->up() && b->cluster == s.cluster && b->name == s.backend) {
        keys.push_back(s.host + "@" + s.backend);
        break;
      }
    }
  }
  return keys;
}

ServiceResult<std::vector<Job>> CatalogManageService::claim(std::vector<std::string> backends,
                                                            const std::vector<std::string>& not_again,
                                                            std::size_t limit) {
  JobClaim claim;
  claim.claimer = host_;
  claim.backends = std::move(backends);
  claim.down_before = format_timestamp(std::chrono::system_clock::now() - service_down_time_);
  claim.running = not_again;
  claim.limit = limit;
  auto jobs = catalog_->claim_jobs(claim);
  if (jobs.ok()) {
    for (const Job& job : *jobs) {
      if (!job.previous_claimer.empty() && job.previous_claimer != host_) {
        log().warn("jobs: {} {} ('{}') taken over from {}, whose service for {} is down",
                   job.kind == ObjectKind::Volume ? "volume" : "snapshot", job.id, job.status, job.previous_claimer,
                   job.backend);
      }
    }
  }
  return jobs;
}

// The local backend a job of `row_backend` runs on: that backend, or — for another member's
// backend in a cluster (served_backends) — this node's up backend of the same name in a cluster.
std::string CatalogManageService::serving_backend(const std::string& row_backend) const {
  if (backends_.find(row_backend)) return row_backend;
  const std::string name = row_backend.substr(row_backend.find('@') + 1);
  for (const auto& b : backends_.all()) {
    if (b->up() && !b->cluster.empty() && b->name == name) return b->key;
  }
  return row_backend;
}

void CatalogManageService::run_job(const Job& job, const std::string& request_id) {
  auto chosen = [&](const std::string& stored) {
    if (!request_id.empty()) return request_id;
    return stored.empty() ? std::string("job-") + job.id : stored;
  };
  // A row that cannot be read stays claimed by this node and is retried (job_dispatcher.hpp);
  // one that is gone or has moved on was settled meanwhile.
  if (job.kind == ObjectKind::Volume) {
    auto row = catalog_->find_volume(job.id);
    if (!row.ok()) {
      log().warn("volume {} job: cannot read its row (retried later): {}", job.id, row.error().message);
      return;
    }
    if (!*row || (*row)->status != job.status) return;
    (*row)->backend = serving_backend((*row)->backend);  // the row in the catalog keeps its own
    if (job.status == "creating")
      finish_volume_adoption(**row, chosen((*row)->job_request_id));
    else
      finish_volume_unmanage(**row, chosen((*row)->job_request_id));
    return;
  }
  auto row = catalog_->find_snapshot(job.id);
  if (!row.ok()) {
    log().warn("snapshot {} job: cannot read its row (retried later): {}", job.id, row.error().message);
    return;
  }
  if (!*row || (*row)->status != job.status) return;
  (*row)->backend = serving_backend((*row)->backend);
  if (job.status == "creating")
    adopt_snapshot_job(**row, chosen((*row)->job_request_id));
  else
    finish_snapshot_unmanage(**row, chosen((*row)->job_request_id));
}

}  // namespace snapmgr::core
