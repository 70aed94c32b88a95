#include "core/catalog/job_claims.hpp"

#include "core/catalog/timestamps.hpp"

namespace snapmgr::core::job_claims {
namespace {

std::string bind(std::vector<std::string>& params, char placeholder, std::string value) {
  params.push_back(std::move(value));
  return placeholder + std::to_string(params.size());
}

std::string list(std::vector<std::string>& params, char placeholder, const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + bind(params, placeholder, v);
  return out;
}

}  // namespace

std::string candidates(const char* table, const JobClaim& claim, char placeholder, std::vector<std::string>& params,
                       const char* suffix) {
  if (claim.backends.empty() || claim.limit == 0) return "";
  const std::string t = table;
  const std::string claimer = bind(params, placeholder, claim.claimer);
  std::string sql = "SELECT " + t + ".id, " + t + ".status, " + t + ".backend, " + t + ".claimed_by FROM " + t +
                    " WHERE NOT " + t + ".deleted AND " + t + ".status IN ('creating', 'unmanaging') AND " + t +
                    ".backend IN (" + list(params, placeholder, claim.backends) + ") AND (" + t + ".claimed_by = ''";
  sql += " OR (" + t + ".claimed_by = " + claimer;
  if (!claim.running.empty()) sql += " AND " + t + ".id NOT IN (" + list(params, placeholder, claim.running) + ")";
  sql += ")";
  // The claimer's service: its host and the row backend's name, the text after the '@'.
  sql += " OR (" + t + ".claimed_by <> " + claimer + " AND NOT EXISTS (SELECT 1 FROM services s WHERE s.host = " + t +
         ".claimed_by AND '@' || s.backend = substr(" + t + ".backend, length(" + t +
         ".backend) - length(s.backend)) AND s.updated_at >= " + bind(params, placeholder, claim.down_before) + ")))";
  sql += " ORDER BY " + t + ".created_at, " + t + ".id LIMIT " + std::to_string(claim.limit) + suffix;
  return sql;
}

std::string record(const char* table, const std::string& claimer, const std::vector<std::string>& ids, char placeholder,
                   std::vector<std::string>& params) {
  std::string sql = std::string("UPDATE ") + table + " SET claimed_by = " + bind(params, placeholder, claimer);
  sql += ", claimed_at = " + bind(params, placeholder, now_timestamp());
  return sql + " WHERE id IN (" + list(params, placeholder, ids) + ")";
}

}  // namespace snapmgr::core::job_claims
