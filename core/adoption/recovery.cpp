// Start-up: the jobs left for this node — rows `creating` or `unmanaging` that a previous process
// of this host claimed (it was killed between the 202 and the end of the background step), that
// nobody claimed yet, or that a node now down claimed — are claimed and finished before serving,
// or set to `error` with a logged reason. Only rows of backends this node serves are touched
// (and rows of its own host on backends removed from its configuration, which nobody else can
// finish). Adoption is finished by repeating the driver's adopt call, which the SDK requires to be
// idempotent for an object already adopted under the same id.
#include <algorithm>

#include "core/adoption/catalog_manage_service.hpp"
#include "core/adoption/host_resolution.hpp"
#include "core/backends/driver_call.hpp"
#include "core/catalog/reference_codec.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

constexpr std::size_t kRecoveryBatch = 64;

const char* kind_name(ObjectKind kind) { return kind == ObjectKind::Volume ? "volume" : "snapshot"; }

}  // namespace

void CatalogManageService::recover() {
  RowQuery interrupted;
  interrupted.statuses = {"creating", "unmanaging"};
  auto volumes = catalog_->find_volumes(interrupted);
  auto snapshots = catalog_->find_snapshots(interrupted);
  std::vector<std::string> backends = served_backends();
  if (!volumes.ok() || !snapshots.ok()) {
    log().error("recovery: cannot read the catalog: {}", (!volumes.ok() ? volumes.error() : snapshots.error()).message);
  } else {
    // This host's rows on backends it no longer has: it is their only owner.
    auto add_removed = [&](const std::string& backend) {
      if (backend.rfind(host_ + "@", 0) == 0 && !backends_.find(backend) &&
          std::find(backends.begin(), backends.end(), backend) == backends.end())
        backends.push_back(backend);
    };
    for (const auto& v : *volumes) add_removed(v.backend);
    for (const auto& s : *snapshots) add_removed(s.backend);
    std::vector<std::string> handled;
    while (true) {
      auto jobs = claim(backends, handled, kRecoveryBatch);
      if (!jobs.ok()) {
        log().error("recovery: cannot claim jobs: {}", jobs.error().message);
        break;
      }
      if (jobs->empty()) break;
      // Volumes first (claim_jobs' order): a snapshot's adoption needs its volume's final reference.
      for (const Job& job : *jobs) {
        handled.push_back(job.id);
        if (job.previous_claimer == host_) {
          log().warn("recovery: {} {} was left '{}' by a previous process", kind_name(job.kind), job.id, job.status);
        } else if (!job.previous_claimer.empty()) {
          log().warn("recovery: {} {} is '{}', taken over from {} (down)", kind_name(job.kind), job.id, job.status,
                     job.previous_claimer);
        }
        run_job(job, "recovery");
      }
    }
  }
  catalog_->on_jobs_queued([this] { jobs_.wake(); });
  jobs_.start([this](const std::vector<std::string>& not_again,
                     std::size_t limit) { return claim(served_backends(), not_again, limit); },
              [this](const Job& job) { run_job(job, ""); });
}

void CatalogManageService::adopt_snapshot_job(const SnapshotRecord& row, const std::string& request_id) {
  RequestIdScope scope(request_id);
  auto volume = catalog_->find_volume(row.volume_id);
  if (!volume.ok()) {
    log().warn("snapshot {} adoption: cannot read its volume (retried later): {}", row.id, volume.error().message);
    return;
  }
  if (!*volume) return mark_snapshot_error(row.id, "interrupted adoption: its volume " + row.volume_id + " is gone");
  if ((*volume)->status != "available" && (*volume)->status != "in-use") {
    return mark_snapshot_error(row.id, "interrupted adoption: its volume is " + (*volume)->status);
  }
  if (row.job_size_gib)
    return finish_snapshot_adoption(row, (*volume)->provider_reference, *row.job_size_gib, request_id);
  recover_snapshot_adoption(row, (*volume)->provider_reference);
}

void CatalogManageService::recover_snapshot_adoption(const SnapshotRecord& row,
                                                     const snapmgr::StringMap& volume_reference) {
  RequestIdScope scope("recovery");
  auto backend = backend_of_row(backends_, row.backend);
  if (!backend.ok()) return mark_snapshot_error(row.id, "interrupted adoption: " + backend.error().message);
  snapmgr::SnapshotAdoption* adoption = (*backend)->snapshot_adoption();
  if (!adoption) return mark_snapshot_error(row.id, "interrupted adoption: the driver no longer adopts snapshots");
  const std::string what = "completing the adoption of snapshot " + row.id + " on " + row.backend;
  auto place = enter_within(**backend, call_timeout_);
  if (!place.ok()) return mark_snapshot_error(row.id, what + ": " + place.error().message);
  auto adopted = call_with_deadline(
      new_call("recovery"), what, std::move(*place),
      [adoption, ref = row.provider_reference, volume_reference, id = row.id](const snapmgr::Call& c) {
        return adoption->adopt_snapshot(c, ref, volume_reference, id);
      });
  if (!adopted.ok()) return mark_snapshot_error(row.id, what + ": " + adopted.error().message());
  const snapmgr::StringMap reference = adopted->empty() ? row.provider_reference : *adopted;
  place = enter_within(**backend, call_timeout_);
  if (!place.ok()) return mark_snapshot_error(row.id, what + ": " + place.error().message);
  auto inspected = call_with_deadline(new_call("recovery"), what, std::move(*place),
                                      [adoption, reference, volume_reference](const snapmgr::Call& c) {
                                        return adoption->inspect_snapshot(c, reference, volume_reference);
                                      });
  if (!inspected.ok()) return mark_snapshot_error(row.id, what + ": " + inspected.error().message());
  RowUpdate done;
  done.expected_status = {"creating"};
  done.status = "available";
  done.size_gib = round_up_to_gib(inspected->size_bytes);
  done.provider_reference = reference;
  auto applied = catalog_->update_snapshot(row.id, done);
  if (!applied.ok()) return mark_snapshot_error(row.id, applied.error().message);
  log().info("recovery: snapshot {} adoption completed, provider reference {}", row.id, to_canonical_json(reference));
}

}  // namespace snapmgr::core
