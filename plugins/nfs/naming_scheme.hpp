// Cinder's file naming on a share, from the driver's two name templates.
//
// Purpose: which files are volumes and which snapshot id a file is named after.
//   - A volume file is `volume_name_template` with `%s` = a UUID (default `volume-<uuid>`);
//     its Cinder info file is `<volume file>.info`.
//   - A snapshot overlay is *named after* snapshot id `<id>` when its name is Cinder's
//     `<volume file>.<id>` or `snapshot_name_template` with `%s` = `<id>` (default
//     `snapshot-<uuid>`, how tools outside Cinder often name overlays). This only matters for
//     `.info` records: a record `<id>: <file>` where the file is named after `<id>` is the
//     record its creator wrote; any other record of the file is an adoption (see
//     adoption_records.hpp). Whether a file *is* a snapshot never depends on its name (any qcow2
//     file whose backing file is in the share is one).
//
// Ownership/thread-safety: an immutable value after `create`; safe to share between threads.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "snapmgr/result.hpp"

namespace snapmgr::nfs {

class NamingScheme {
 public:
  // Each template must contain `%s` exactly once and otherwise only characters allowed in a
  // file name. Errors: InvalidConfig naming the option.
  static Result<NamingScheme> create(const std::string& volume_name_template,
                                     const std::string& snapshot_name_template);

  bool is_volume_file(std::string_view name) const;
  // Cinder's overlay name `<volume file>.<uuid>`: the volume file's name, or nullopt.
  std::optional<std::string> cinder_overlay_volume(std::string_view name) const;
  // The snapshot id `name` is named after, given the volume file at the bottom of its chain.
  std::optional<std::string> snapshot_id_in_name(std::string_view name, std::string_view volume_file) const;

  static std::string info_file_for(std::string_view volume_file) { return std::string(volume_file) + ".info"; }
  // "volume-<uuid>", for messages.
  const std::string& volume_pattern() const noexcept { return volume_pattern_; }

 private:
  NamingScheme() = default;
  std::regex volume_;          // whole name
  std::regex cinder_overlay_;  // (volume file).(uuid)
  std::regex snapshot_;        // template with the uuid captured
  std::string volume_pattern_;
};

}  // namespace snapmgr::nfs
