#include "adoption_records.hpp"

#include <algorithm>

#include "file_names.hpp"

namespace snapmgr::nfs {

Result<InfoFile> load_info_file(ShareAccess& share, const Call& call, const std::string& volume_file) {
  const std::string name = NamingScheme::info_file_for(volume_file);
  return info_file_from(share, call, volume_file, share.read(call, name, 0, kMaxInfoFileBytes + 1));
}

Result<InfoFile> info_file_from(ShareAccess& share, const Call& call, const std::string& volume_file,
                                Result<std::string> text) {
  InfoFile file;
  file.name = NamingScheme::info_file_for(volume_file);
  if (!text && text.error().code() == ErrorCode::NotFound) return file;
  if (!text) {
    if (text.error().code() == ErrorCode::Timeout) return text.error();
    if (auto st = share.probe(call); !st) return st.error();
    file.problem = file.name + " cannot be read: " + text.error().message();
    return file;
  }
  if (text->size() > kMaxInfoFileBytes) {
    file.problem = file.name + " is larger than " + std::to_string(kMaxInfoFileBytes) + " bytes";
    return file;
  }
  auto parsed = VolumeInfo::parse(*text, file.name);
  if (!parsed) {
    file.problem = parsed.error().message();
    return file;
  }
  file.info = std::move(*parsed);
  return file;
}

std::vector<std::string> adoption_ids(const VolumeInfo& info, const std::string& file, const std::string& volume_file,
                                      const NamingScheme& naming) {
  std::vector<std::string> ids = info.ids_of(file);
  const auto own = naming.snapshot_id_in_name(file, volume_file);
  if (own) ids.erase(std::remove(ids.begin(), ids.end(), *own), ids.end());
  return ids;
}

std::string adopted_reason(const std::vector<std::string>& ids, const std::string& info_file) {
  std::string joined;
  for (const auto& id : ids) joined += (joined.empty() ? "" : ", ") + printable(id);
  return "already adopted as " + joined + " (recorded in " + info_file + ")";
}

Status check_record_id(const std::string& id, const std::string& what) {
  if (id.empty()) return Error::backend(what + " id is empty");
  if (id == "active") return Error::backend(what + " id 'active' is reserved in Cinder's info files");
  if (auto why = unsafe_file_name_reason(id))
    return Error::backend(what + " id '" + printable(id) + "' is unusable: " + *why);
  return Status::success();
}

Status record_adoption(ShareAccess& share, const Call& call, const NamingScheme& naming, const std::string& volume_file,
                       const std::string& file, const std::string& id, const std::string& kind) {
  if (auto st = check_record_id(id, kind); !st) return st;
  auto loaded = load_info_file(share, call, volume_file);
  if (!loaded) return loaded.error();
  if (!loaded->usable()) {
    return Error::backend("share '" + share.name() + "': cannot record the adoption of '" + file +
                          "': " + loaded->problem);
  }
  VolumeInfo info = loaded->info ? std::move(*loaded->info) : VolumeInfo::fresh(volume_file);
  const auto recorded = info.ids_of(file);
  if (std::find(recorded.begin(), recorded.end(), id) != recorded.end()) return Status::success();  // a retry
  if (auto ids = adoption_ids(info, file, volume_file, naming); !ids.empty()) {
    return Error::already_managed("share '" + share.name() + "': " + kind + " '" + file + "' is " +
                                  adopted_reason(ids, loaded->name));
  }
  if (auto other = info.file_of(id)) {
    return Error::already_managed("share '" + share.name() + "': " + loaded->name + " already records " + kind +
                                  " id " + id + " for '" + printable(*other) + "'");
  }
  info.record(id, file);
  return share.replace(call, loaded->name, info.serialize());
}

Status forget_adoption(ShareAccess& share, const Call& call, const std::string& volume_file, const std::string& file,
                       const std::string& id, std::string& note) {
  auto loaded = load_info_file(share, call, volume_file);
  if (!loaded) return loaded.error();
  if (!loaded->usable()) {
    return Error::backend("share '" + share.name() + "': cannot remove the adoption of '" + file +
                          "': " + loaded->problem);
  }
  const auto recorded = loaded->info ? loaded->info->file_of(id) : std::nullopt;
  if (!recorded) {
    note = loaded->name + " has no key " + printable(id) + "; nothing to remove";
    return Status::success();
  }
  if (*recorded != file) {
    note = loaded->name + " maps " + printable(id) + " to '" + printable(*recorded) + "', not to '" + file +
           "'; left unchanged";
    return Status::success();
  }
  loaded->info->forget(id);
  return share.replace(call, loaded->name, loaded->info->serialize());
}

}  // namespace snapmgr::nfs
