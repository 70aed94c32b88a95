// A volume's Cinder info file, `<volume file>.info`: which image is active and which snapshot
// id maps to which overlay file.
//
// Purpose: Cinder's NFS driver keeps `{"active": "<top image>", "<snapshot id>": "<overlay
// file>", ...}` next to each volume; a missing file means "no snapshots, the volume file is
// active". The driver reads it to tell whether an overlay is in use (it is the active image)
// and to record adoptions; it rewrites it keeping every key it does not change (including
// values that are not strings), in Cinder's own format (`json.dump(..., indent=1,
// sort_keys=True)`), so Cinder can go on reading it.
//
// Ownership/thread-safety: a value type; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "snapmgr/result.hpp"

namespace snapmgr::nfs {

// Larger info files are refused (Cinder's are a few hundred bytes).
inline constexpr std::size_t kMaxInfoFileBytes = 1 << 20;

class VolumeInfo {
 public:
  // Parses an info file's text. Errors (BackendError, message naming `file_name`): not JSON,
  // not an object, `active` missing or not a string.
  static Result<VolumeInfo> parse(std::string_view text, const std::string& file_name);
  // What Cinder assumes when the file is missing: `active` is the volume file.
  static VolumeInfo fresh(const std::string& volume_file);

  const std::string& active() const noexcept { return active_; }
  // Keys other than `active` whose value is `file`, in key order.
  std::vector<std::string> ids_of(std::string_view file) const;
  // The file recorded for `id`, or nullopt (also when its value is not a string).
  std::optional<std::string> file_of(std::string_view id) const;

  void record(const std::string& id, const std::string& file);
  bool forget(const std::string& id);

  // Cinder's format: keys sorted, one per line indented by one space, no trailing newline.
  std::string serialize() const;

 private:
  boost::json::object object_;
  std::string active_;
};

}  // namespace snapmgr::nfs
