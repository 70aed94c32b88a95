#include "file_analysis.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "file_names.hpp"

namespace snapmgr::nfs {

ScannedFiles::ScannedFiles(const std::vector<FileFacts>& files) {
  for (const auto& f : files) by_name_.emplace(f.name, &f);
}

Result<const FileFacts*> ScannedFiles::find(const std::string& name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

FilesOnDemand::FilesOnDemand(ShareAccess& share, const Call& call, const NamingScheme& naming)
    : share_(share), call_(call), naming_(naming) {}

Result<const FileFacts*> FilesOnDemand::find(const std::string& name) {
  if (auto it = cache_.find(name); it != cache_.end()) return static_cast<const FileFacts*>(it->second.get());
  std::unique_ptr<FileFacts> found;
  auto entry = share_.stat(call_, name);
  if (!entry && entry.error().code() != ErrorCode::NotFound) return entry.error();
  if (entry && is_image_candidate(*entry, naming_)) {
    auto facts = read_file_facts(share_, call_, *entry);
    if (!facts && facts.error().code() != ErrorCode::NotFound) return facts.error();
    if (facts) found = std::make_unique<FileFacts>(std::move(*facts));
  }
  return static_cast<const FileFacts*>(cache_.emplace(name, std::move(found)).first->second.get());
}

ChainResolver::ChainResolver(FileLookup& files, const NamingScheme& naming, const ShareAccess& share)
    : files_(files), naming_(naming), share_name_(share.name()), local_directory_(share.local_directory()) {}

ChainResolver::Origin ChainResolver::backing_in_share(const std::string& backing) const {
  namespace fs = std::filesystem;
  const std::string shown = "'" + printable(backing) + "'";
  const fs::path path = fs::path(backing).lexically_normal();
  std::string name;
  if (path.is_absolute()) {
    if (!local_directory_) {
      return {std::nullopt, "the backing file " + shown +
                                " is an absolute path, which cannot be resolved inside share '" + share_name_ + "'"};
    }
    if (path.parent_path() != fs::path(*local_directory_).lexically_normal()) {
      return {std::nullopt, "the backing file " + shown + " is outside the share"};
    }
    name = path.filename().string();
  } else {
    if (std::distance(path.begin(), path.end()) != 1 || path == "." || path == "..") {
      return {std::nullopt, "the backing file " + shown + " is outside the share's directory"};
    }
    name = path.string();
  }
  if (auto why = unsafe_file_name_reason(name)) {
    return {std::nullopt, "the backing file " + shown + " cannot be a file of the share: " + *why};
  }
  return {name, {}};
}

Result<ChainResolver::Origin> ChainResolver::origin_of(const FileFacts& file) {
  // Walk down the chain until a file whose origin is known or a file without backing file;
  // then give every file on the way the same answer.
  std::vector<std::string> path;
  std::set<std::string, std::less<>> on_path;
  const FileFacts* current = &file;
  Origin answer;
  while (true) {
    if (auto known = resolved_.find(current->name); known != resolved_.end()) {
      answer = known->second;
      break;
    }
    path.push_back(current->name);
    on_path.insert(current->name);
    Origin link = backing_in_share(*current->backing_file);
    if (!link.base) {
      answer = link;
      break;
    }
    if (on_path.count(*link.base)) {
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), *link.base); it != path.end(); ++it) cycle += *it + " -> ";
      answer = {std::nullopt, "the backing chain loops: " + cycle + *link.base};
      break;
    }
    auto below = files_.find(*link.base);
    if (!below) return below.error();
    const FileFacts* next = *below;
    if (!next) {
      answer = {std::nullopt, "the backing file '" + *link.base + "' does not exist in the share"};
      break;
    }
    if (next->format == ImageFormat::Unusable) {
      answer = {std::nullopt, "'" + next->name + "' in the backing chain is unusable: " + next->problem};
      break;
    }
    if (!next->backing_file) {
      if (naming_.is_volume_file(next->name)) {
        answer = {next->name, {}};
      } else {
        answer = {std::nullopt, "the backing chain ends at '" + next->name + "', which is not a volume file (" +
                                    naming_.volume_pattern() + ")"};
      }
      break;
    }
    current = next;
  }
  for (const auto& name : path) resolved_[name] = answer;
  return answer;
}

Result<FileAnalysis> ChainResolver::analyse(const FileFacts& file) {
  FileAnalysis a;
  a.size = file.format == ImageFormat::Unusable ? 0 : file.virtual_size;
  const bool volume_name = naming_.is_volume_file(file.name);
  const auto overlay_of = naming_.cinder_overlay_volume(file.name);
  if (file.format == ImageFormat::Qcow2 && file.backing_file) {
    a.role = FileRole::Snapshot;
    auto origin = origin_of(file);
    if (!origin) return origin.error();
    a.base = origin->base;
    if (!origin->base) a.problem = origin->problem;
    return a;
  }
  if (volume_name) {
    a.role = FileRole::Volume;
    a.base = file.name;
    if (file.format == ImageFormat::Unusable) a.problem = file.problem;
    return a;
  }
  if (!overlay_of && !(file.format == ImageFormat::Unusable && file.qcow2_magic)) return a;  // neither
  a.role = FileRole::Snapshot;
  if (file.format == ImageFormat::Unusable) {
    a.problem = file.problem;
  } else if (file.format == ImageFormat::Raw) {
    a.problem = "not a qcow2 image, although named like a snapshot overlay of '" + *overlay_of + "'";
  } else {
    a.problem = "a qcow2 image without a backing file, although named like a snapshot overlay of '" + *overlay_of + "'";
  }
  if (overlay_of) {
    auto volume = files_.find(*overlay_of);
    if (!volume) return volume.error();
    if (*volume) a.base = *overlay_of;  // shown as the likely origin; the problem blocks adoption
  }
  return a;
}

}  // namespace snapmgr::nfs
