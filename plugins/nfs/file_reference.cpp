#include "file_reference.hpp"

#include "file_names.hpp"

namespace snapmgr::nfs {

std::string describe(const StringMap& reference) {
  std::string out = "{";
  for (const auto& [key, value] : reference) {
    out += (out.size() > 1 ? ", \"" : "\"") + printable(key) + "\": \"" + printable(value) + "\"";
  }
  return out + "}";
}

Result<FileReference> parse_file_reference(const StringMap& reference, const std::vector<std::string>& shares,
                                           const std::string& what) {
  for (const auto& [key, value] : reference) {
    if (key != kSourceName && key != kShareKey) {
      return Error::invalid_reference(what + " " + describe(reference) + ": key '" + printable(key) +
                                      "' is not understood (the nfs driver accepts source-name and share)");
    }
  }
  const std::string* name = reference.find(kSourceName);
  if (!name) {
    return Error::invalid_reference(what + " " + describe(reference) +
                                    " has no source-name (the nfs driver names files by source-name)");
  }
  if (auto why = unsafe_file_name_reason(*name)) {
    return Error::invalid_reference(what + " " + describe(reference) + ": '" + printable(*name) +
                                    "' cannot name a file of a share: " + *why);
  }
  FileReference parsed{*name, std::nullopt};
  if (const std::string* share = reference.find(kShareKey)) {
    for (std::size_t i = 0; i < shares.size(); ++i) {
      if (shares[i] == *share) parsed.share = i;
    }
    if (!parsed.share) {
      std::string configured;
      for (const auto& s : shares) configured += (configured.empty() ? "" : ", ") + s;
      return Error::invalid_reference(what + " " + describe(reference) + ": share '" + printable(*share) +
                                      "' is not one of this backend's shares (" + configured + ")");
    }
  } else if (shares.size() == 1) {
    parsed.share = 0;
  }
  return parsed;
}

StringMap make_file_reference(const std::vector<std::string>& shares, std::size_t share, const std::string& name) {
  StringMap reference{{kSourceName, name}};
  if (shares.size() > 1) reference.set(kShareKey, shares[share]);
  return reference;
}

}  // namespace snapmgr::nfs
