// The PostgreSQL catalog's job queue (Catalog::claim_jobs, on_jobs_queued): candidates locked
// `FOR UPDATE SKIP LOCKED` and claimed in the same transaction, so that concurrent claimers on
// any host never take one row twice; a row another claimer has locked is skipped, not waited for.
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/row>
#include <pqxx/transaction>

#include "core/catalog/job_claims.hpp"
#include "core/catalog/postgres_call.hpp"
#include "core/catalog/postgres_catalog.hpp"

namespace snapmgr::core {
using postgres_call::commit;

ServiceResult<std::vector<Job>> PostgresCatalog::claim_jobs(const JobClaim& claim) {
  return run<std::vector<Job>>(
      "claiming jobs for " + claim.claimer, [&](pqxx::connection& c) -> ServiceResult<std::vector<Job>> {
        pqxx::work tx(c);
        std::vector<Job> jobs;
        for (ObjectKind kind : {ObjectKind::Volume, ObjectKind::Snapshot}) {
          JobClaim rest = claim;
          rest.limit = claim.limit - jobs.size();
          const char* table = kind == ObjectKind::Volume ? "volumes" : "snapshots";
          std::vector<std::string> params;
          const std::string sql = job_claims::candidates(
              table, rest, '$', params, (std::string(" FOR UPDATE OF ") + table + " SKIP LOCKED").c_str());
          if (sql.empty()) continue;
          std::vector<std::string> ids;
          for (const auto& r : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
            jobs.push_back(
                {kind, r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()});
            ids.push_back(jobs.back().id);
          }
          if (ids.empty()) continue;
          params.clear();
          const std::string mark = job_claims::record(table, claim.claimer, ids, '$', params);
          tx.exec_params(mark, pqxx::prepare::make_dynamic_params(params));
        }
        commit(tx, c);
        return jobs;
      });
}

void PostgresCatalog::on_jobs_queued(std::function<void()> wake) {
  std::lock_guard lock(wake_mutex_);
  wake_ = std::move(wake);
}

void PostgresCatalog::wake_workers() {
  std::lock_guard lock(wake_mutex_);
  if (wake_) wake_();
}

}  // namespace snapmgr::core
