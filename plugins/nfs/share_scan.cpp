#include "share_scan.hpp"

#include <algorithm>

#include "file_names.hpp"
#include "qcow2_header.hpp"

namespace snapmgr::nfs {
namespace {

constexpr std::string_view kInfoSuffix = ".info";

FileFacts unusable(FileFacts facts, std::string problem) {
  facts.format = ImageFormat::Unusable;
  facts.problem = std::move(problem);
  return facts;
}

// A failure reading one file: a problem of that file when the share itself still answers.
Result<FileFacts> file_failure(ShareAccess& share, const Call& call, FileFacts facts, const Error& error) {
  if (error.code() == ErrorCode::NotFound || error.code() == ErrorCode::Timeout) return error;
  if (auto st = share.probe(call); !st) return st.error();
  return unusable(std::move(facts), "cannot be read: " + error.message());
}

}  // namespace

bool is_image_candidate(const ShareEntry& entry, const NamingScheme& naming) {
  if (!entry.regular || unsafe_file_name_reason(entry.name)) return false;
  const std::string_view name = entry.name;
  if (name.size() > kInfoSuffix.size() && name.substr(name.size() - kInfoSuffix.size()) == kInfoSuffix &&
      naming.is_volume_file(name.substr(0, name.size() - kInfoSuffix.size()))) {
    return false;
  }
  return true;
}

Result<FileFacts> read_file_facts(ShareAccess& share, const Call& call, const ShareEntry& entry) {
  return file_facts_from(share, call, entry, share.read(call, entry.name, 0, kHeaderProbeBytes));
}

Result<FileFacts> file_facts_from(ShareAccess& share, const Call& call, const ShareEntry& entry,
                                  Result<std::string> head) {
  FileFacts facts;
  facts.name = entry.name;
  facts.file_size = entry.size;
  facts.virtual_size = entry.size;
  if (!head) return file_failure(share, call, std::move(facts), head.error());
  facts.qcow2_magic = has_qcow2_magic(*head);
  if (!facts.qcow2_magic) return facts;  // raw
  // The size from the directory may be stale; the bytes read are a lower bound.
  facts.file_size = std::max<std::uint64_t>(facts.file_size, head->size());
  auto header = parse_qcow2_header(*head, facts.file_size);
  if (!header) return unusable(std::move(facts), header.error().message());
  facts.format = ImageFormat::Qcow2;
  facts.virtual_size = header->virtual_size;
  if (!header->has_backing_file()) return facts;
  std::string_view name_bytes;
  Result<std::string> further = std::string();
  if (header->backing_file_offset + header->backing_file_size <= head->size()) {
    name_bytes = std::string_view(*head).substr(header->backing_file_offset);
  } else {
    further = share.read(call, entry.name, header->backing_file_offset, header->backing_file_size);
    if (!further) return file_failure(share, call, std::move(facts), further.error());
    name_bytes = *further;
  }
  auto backing = backing_file_name(*header, name_bytes);
  if (!backing) return unusable(std::move(facts), backing.error().message());
  facts.backing_file = std::move(*backing);
  return facts;
}

Result<ShareScan> scan_share(ShareAccess& share, const Call& call, const NamingScheme& naming) {
  auto entries = share.list(call);
  if (!entries) return entries.error();
  ShareScan scan;
  scan.entries = std::move(*entries);
  std::vector<const ShareEntry*> candidates;
  std::vector<ReadRequest> heads;
  for (const auto& entry : scan.entries) {
    if (!is_image_candidate(entry, naming)) continue;
    candidates.push_back(&entry);
    heads.push_back({entry.name, 0, kHeaderProbeBytes});
  }
  auto read = share.read_many(call, heads);
  scan.files.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!read[i] && read[i].error().code() == ErrorCode::Timeout) return read[i].error();
    auto facts = file_facts_from(share, call, *candidates[i], std::move(read[i]));
    if (!facts && facts.error().code() == ErrorCode::NotFound) continue;  // removed meanwhile
    if (!facts) return facts.error();
    scan.files.push_back(std::move(*facts));
  }
  std::sort(scan.files.begin(), scan.files.end(),
            [](const FileFacts& a, const FileFacts& b) { return a.name < b.name; });
  return scan;
}

}  // namespace snapmgr::nfs
