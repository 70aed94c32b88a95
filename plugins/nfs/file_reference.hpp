// References to files on the driver's shares: parsing what users send, and building what the
// driver reports.
//
// Format: `{"source-name": "<file name>"}`. With several shares configured, every reference
// the driver reports (listing, source_reference, adoption's provider reference) also carries
// `"share": "<share as configured>"`, because names are unique only within a share. On input,
// `share` may be left out: the name is then looked up on every share and must exist on
// exactly one. Nothing else is accepted: another key, a bad share, or a name that fails
// file_names.hpp's checks is an InvalidReference — decided before any I/O.
//
// Ownership/thread-safety: free functions over values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snapmgr/result.hpp"
#include "snapmgr/string_map.hpp"

namespace snapmgr::nfs {

inline constexpr const char* kSourceName = "source-name";
inline constexpr const char* kShareKey = "share";

struct FileReference {
  std::string name;
  std::optional<std::size_t> share;  // index into the configured shares; nullopt = not given
};

// `what` ("snapshot reference", "volume reference") starts every message.
Result<FileReference> parse_file_reference(const StringMap& reference, const std::vector<std::string>& shares,
                                           const std::string& what);

// The reference the driver reports for `name` on share `share`.
StringMap make_file_reference(const std::vector<std::string>& shares, std::size_t share, const std::string& name);

// `{"a": "b", ...}` with printable() values, for messages.
std::string describe(const StringMap& reference);

}  // namespace snapmgr::nfs
