// The SQL of Catalog::claim_jobs, one text for SQLite and PostgreSQL (their tables have the same
// columns): which rows a claim may take, and recording the claim. Internal to the catalogs.
//
// A row is claimable when it is live, `creating` or `unmanaging`, on one of the claim's backends,
// and unclaimed, or claimed by the claimer itself and not among its running jobs, or claimed by
// another host whose service for the row's backend is down (no service row with that host and
// the row's backend name has a heartbeat at or after `down_before`; Cinder's timestamps, all of one
// format, order as text as they do in time).
#pragma once

#include <string>
#include <vector>

#include "core/catalog/catalog.hpp"

namespace snapmgr::core::job_claims {

// SELECT id, status, backend, claimed_by of the claimable rows of `table` ("volumes" / "snapshots"), oldest
// first, at most claim.limit, followed by `suffix` (PostgreSQL: its row locks). Parameters are
// numbered, `<placeholder><n>` ('$' for PostgreSQL, '?' for SQLite); their values are appended to
// `params`. Empty when the claim has no backend (nothing can match).
std::string candidates(const char* table, const JobClaim& claim, char placeholder, std::vector<std::string>& params,
                       const char* suffix);

// UPDATE `table`: claimed_by and claimed_at (now) of the rows `ids`, parameters as above.
std::string record(const char* table, const std::string& claimer, const std::vector<std::string>& ids, char placeholder,
                   std::vector<std::string>& params);

}  // namespace snapmgr::core::job_claims
