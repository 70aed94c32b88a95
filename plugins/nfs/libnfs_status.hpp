// How the libnfs-based share reads libnfs's status codes (internal to libnfs_share*.cpp).
//
// libnfs returns -errno; a timed-out request comes back as -ETIMEDOUT or -EINTR with "timed
// out" in the error text, depending on where it expired.
#pragma once

#include <string>

namespace snapmgr::nfs {

bool is_timeout(int status, const char* text);
// Errors about one file (missing, permission, ...) that leave the connection usable.
bool is_file_error(int status);
// The libnfs path of a file directly in the export.
std::string path_of(const std::string& name);

}  // namespace snapmgr::nfs
