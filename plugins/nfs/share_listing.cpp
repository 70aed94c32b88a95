#include "share_listing.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "adoption_records.hpp"

namespace snapmgr::nfs {
namespace {

// Info files by volume file, each read once per call.
class InfoFiles {
 public:
  InfoFiles(ShareAccess& share, const Call& call) : share_(share), call_(call) {}

  Result<const InfoFile*> of(const std::string& volume_file) {
    if (auto it = cache_.find(volume_file); it != cache_.end()) return &it->second;
    auto loaded = load_info_file(share_, call_, volume_file);
    if (!loaded) return loaded.error();
    return &cache_.emplace(volume_file, std::move(*loaded)).first->second;
  }

  // Reads the info files of `volume_files` together; the directory `entries` tell which exist
  // (a missing one costs no request) and how large they are.
  Status prefetch(const std::set<std::string>& volume_files, const std::vector<ShareEntry>& entries) {
    std::map<std::string, std::uint64_t, std::less<>> sizes;
    for (const auto& e : entries) {
      if (e.regular) sizes.emplace(e.name, e.size);
    }
    std::vector<std::string> present;
    std::vector<ReadRequest> requests;
    for (const auto& volume : volume_files) {
      const std::string name = NamingScheme::info_file_for(volume);
      auto size = sizes.find(name);
      if (size == sizes.end()) {
        cache_.emplace(volume, InfoFile{name, std::nullopt, {}});
        continue;
      }
      present.push_back(volume);
      // One byte more than listed shows a file that grew meanwhile.
      const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(size->second, kMaxInfoFileBytes)) + 1;
      requests.push_back({name, 0, length});
    }
    auto texts = share_.read_many(call_, requests);
    for (std::size_t i = 0; i < present.size(); ++i) {
      // A file that grew since the directory was listed is read again, whole.
      const bool grew = texts[i] && texts[i]->size() == requests[i].length && requests[i].length <= kMaxInfoFileBytes;
      auto loaded = grew ? load_info_file(share_, call_, present[i])
                         : info_file_from(share_, call_, present[i], std::move(texts[i]));
      if (!loaded) return loaded.error();
      cache_.emplace(present[i], std::move(*loaded));
    }
    return Status::success();
  }

 private:
  ShareAccess& share_;
  const Call& call_;
  std::map<std::string, InfoFile, std::less<>> cache_;
};

Result<ListedFile> listed(const FileFacts& facts, FileAnalysis analysis, InfoFiles& infos, const NamingScheme& naming) {
  ListedFile file;
  file.name = facts.name;
  file.backing_file = facts.backing_file;
  file.format = facts.format == ImageFormat::Qcow2 || facts.qcow2_magic ? "qcow2" : "raw";
  if (analysis.problem) file.reason = analysis.problem;
  if (analysis.base && !analysis.problem) {
    auto info = infos.of(*analysis.base);
    if (!info) return info.error();
    const InfoFile& record = **info;
    if (!record.usable()) {
      file.reason = record.problem;
    } else {
      if (analysis.role == FileRole::Snapshot) file.in_use = record.active(*analysis.base) == facts.name;
      if (record.info) {
        if (auto ids = adoption_ids(*record.info, facts.name, *analysis.base, naming); !ids.empty()) {
          file.reason = adopted_reason(ids, record.name);
        }
      }
    }
  }
  file.analysis = std::move(analysis);
  return file;
}

}  // namespace

Result<ShareListing> list_share(ShareAccess& share, const Call& call, const NamingScheme& naming) {
  auto scan = scan_share(share, call, naming);
  if (!scan) return scan.error();
  ScannedFiles files(scan->files);
  ChainResolver resolver(files, naming, share);
  std::vector<std::pair<const FileFacts*, FileAnalysis>> analysed;
  std::set<std::string> volumes;  // whose info file the listing needs
  for (const auto& facts : scan->files) {
    auto analysis = resolver.analyse(facts);
    if (!analysis) return analysis.error();
    if (analysis->role == FileRole::Other) continue;
    if (analysis->base && !analysis->problem) volumes.insert(*analysis->base);
    analysed.emplace_back(&facts, std::move(*analysis));
  }
  InfoFiles infos(share, call);
  if (auto st = infos.prefetch(volumes, scan->entries); !st) return st.error();
  ShareListing listing;
  for (auto& [facts, analysis] : analysed) {
    const bool snapshot = analysis.role == FileRole::Snapshot;
    auto file = listed(*facts, std::move(analysis), infos, naming);
    if (!file) return file.error();
    (snapshot ? listing.snapshots : listing.volumes).push_back(std::move(*file));
  }
  return listing;
}

Result<std::optional<ListedFile>> describe_file(ShareAccess& share, const Call& call, const NamingScheme& naming,
                                                const std::string& name) {
  FilesOnDemand files(share, call, naming);
  auto facts = files.find(name);
  if (!facts) return facts.error();
  if (!*facts) return std::optional<ListedFile>();
  ChainResolver resolver(files, naming, share);
  auto analysis = resolver.analyse(**facts);
  if (!analysis) return analysis.error();
  InfoFiles infos(share, call);
  auto file = listed(**facts, std::move(*analysis), infos, naming);
  if (!file) return file.error();
  return std::optional<ListedFile>(std::move(*file));
}

}  // namespace snapmgr::nfs
