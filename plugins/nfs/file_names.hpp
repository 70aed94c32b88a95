// Which strings may name a file of a share, and how they are shown in messages.
//
// Purpose: a reference arrives exactly as a user sent it. Before any I/O the driver checks that
// the name can only mean one file directly inside the share: no directory separator, no `..`,
// no NUL or other control character, not empty, at most 255 bytes (NAME_MAX), valid UTF-8
// (names travel back in JSON), and not hidden (leading `.`: the driver's own temporary files
// are hidden, and Cinder never creates hidden images). Listings skip files whose names fail the
// same check, so every listed reference passes it.
//
// Ownership/thread-safety: free functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace snapmgr::nfs {

inline constexpr std::size_t kMaxFileNameBytes = 255;

// Why `name` cannot be a file directly inside a share, or nullopt when it can.
std::optional<std::string> unsafe_file_name_reason(std::string_view name);

// `text` made printable and short for a message: control bytes and invalid UTF-8 as \xNN,
// cut after `limit` bytes with the full length added ("aaaa… (10000 bytes)").
std::string printable(std::string_view text, std::size_t limit = 64);

}  // namespace snapmgr::nfs
