// iSCSI names and SCSI designators as text.
//
// iSCSI names (RFC 3720 §3.2.6): "iqn.<yyyy-mm>.<reversed domain>[:<anything>]", "eui.<16 hex>"
// or "naa.<16|32 hex>". They are compared case-insensitively (RFC 3722 folds case); this driver
// accepts the ASCII subset [A-Za-z0-9.:_-], at most 223 bytes, which keeps any name it accepts
// free of path separators and shell syntax.
//
// Designators are how a LUN identifies itself in INQUIRY VPD page 0x83. This driver uses the
// first NAA designator associated with the logical unit, else the first EUI-64 one, written like
// Linux and VMware do: "naa.<lower-case hex>" / "eui.<lower-case hex>".
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "snapmgr/result.hpp"

namespace snapmgr::iscsi {

inline constexpr std::size_t kMaxIscsiNameLength = 223;

// What is wrong with `name` as an iSCSI name, or nullopt when it is acceptable.
std::optional<std::string> iscsi_name_problem(std::string_view name);

// Case-insensitive equality of two iSCSI names.
bool same_iscsi_name(std::string_view a, std::string_view b) noexcept;

// `text` as a designator in canonical form ("naa.6001405..."), or InvalidReference saying why not.
Result<std::string> normalize_designator(std::string_view text);

// Formats designator bytes with the given prefix ("naa" or "eui").
std::string format_designator(std::string_view prefix, const unsigned char* bytes, std::size_t length);

// User-supplied text made safe for a message or log line: in single quotes, control characters
// escaped (\n, \x00), cut after `max` bytes with the full length noted — a hostile reference may
// be 100,000 characters long or hold a NUL.
std::string quoted(std::string_view text, std::size_t max = 96);

}  // namespace snapmgr::iscsi
