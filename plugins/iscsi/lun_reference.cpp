#include "lun_reference.hpp"

#include <algorithm>
#include <cctype>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

constexpr std::size_t kMaxVolumeName = 255;

Status only_known_keys(const StringMap& reference, const std::string& what) {
  for (const auto& [key, value] : reference) {
    if (key != "source-name" && key != "source-id") {
      return Error::invalid_reference(what + " " + describe(reference) + " has unknown key " + quoted(key, 32) +
                                      " (an iSCSI LUN is named by source-name \"<target iqn>/<lun>\" "
                                      "and/or source-id \"<designator>\")");
    }
  }
  if (reference.empty()) {
    return Error::invalid_reference(what +
                                    " is empty (expected source-name \"<target iqn>/<lun>\" "
                                    "or source-id \"<designator>\")");
  }
  return Status::success();
}

Result<LunAddress> parse_address(const std::string& text, const std::string& what) {
  auto slash = text.rfind('/');
  const std::string shape = what + " source-name " + quoted(text) + " is not \"<target iqn>/<lun>\"";
  if (slash == std::string::npos) return Error::invalid_reference(shape);
  LunAddress address{text.substr(0, slash), 0};
  std::string lun = text.substr(slash + 1);
  if (auto problem = iscsi_name_problem(address.target)) return Error::invalid_reference(shape + ": " + *problem);
  if (lun.empty() || lun.size() > 5 ||
      !std::all_of(lun.begin(), lun.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) ||
      std::stoi(lun) > kMaxLun) {
    return Error::invalid_reference(shape + ": LUN " + quoted(lun, 16) + " is not a number 0.." +
                                    std::to_string(kMaxLun));
  }
  address.lun = std::stoi(lun);
  return address;
}

Result<std::optional<std::string>> parse_designator(const StringMap& reference, const std::string& what) {
  const std::string* id = reference.find("source-id");
  if (!id) return std::optional<std::string>{};
  auto designator = normalize_designator(*id);
  if (!designator) return Error::invalid_reference(what + " " + designator.error().message());
  return std::optional<std::string>{*designator};
}

}  // namespace

std::string to_string(const LunAddress& address) { return address.target + "/" + std::to_string(address.lun); }

Result<LunLocator> parse_lun_reference(const StringMap& reference, const std::string& what) {
  try {
    if (auto st = only_known_keys(reference, what); !st) return st.error();
    LunLocator locator;
    if (const std::string* name = reference.find("source-name")) {
      auto address = parse_address(*name, what);
      if (!address) return address.error();
      locator.address = std::move(*address);
    }
    auto designator = parse_designator(reference, what);
    if (!designator) return designator.error();
    locator.designator = std::move(*designator);
    return locator;
  } catch (const std::exception& e) {
    return Error::invalid_reference(what + ": " + e.what());
  }
}

Result<VolumeLocator> parse_volume_reference(const StringMap& reference, const std::string& what) {
  try {
    if (auto st = only_known_keys(reference, what); !st) return st.error();
    const std::string* name = reference.find("source-name");
    if (name && name->find('/') == std::string::npos) {
      VolumeLocator locator;
      const bool printable = std::all_of(name->begin(), name->end(),
                                         [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
      if (name->empty() || name->size() > kMaxVolumeName || !printable) {
        return Error::invalid_reference(what + " source-name is not a volume name (1.." +
                                        std::to_string(kMaxVolumeName) +
                                        " printable characters) nor "
                                        "\"<target iqn>/<lun>\"");
      }
      if (reference.contains("source-id")) {
        return Error::invalid_reference(what + " " + describe(reference) +
                                        " mixes a volume name with a LUN designator; give the name alone, or "
                                        "\"<target iqn>/<lun>\" with the designator");
      }
      locator.name = *name;
      return locator;
    }
    auto lun = parse_lun_reference(reference, what);
    if (!lun) return lun.error();
    return VolumeLocator{std::nullopt, std::move(*lun)};
  } catch (const std::exception& e) {
    return Error::invalid_reference(what + ": " + e.what());
  }
}

StringMap canonical_reference(const LunAddress& address, const std::string& designator) {
  StringMap reference{{"source-name", to_string(address)}};
  if (!designator.empty()) reference.set("source-id", designator);
  return reference;
}

std::string describe(const StringMap& reference) {
  std::string s = "{";
  std::size_t shown = 0;
  for (const auto& [k, v] : reference) {
    if (shown++ == 4) {
      s += ", ... (" + std::to_string(reference.size()) + " keys)";
      break;
    }
    s += (shown > 1 ? ", " : "") + quoted(k, 32) + ": " + quoted(v);
  }
  return s + "}";
}

}  // namespace snapmgr::iscsi
