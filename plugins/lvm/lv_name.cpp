#include "lv_name.hpp"

#include <cstdio>

namespace snapmgr::lvm {
namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '_' ||
         c == '.' || c == '-';
}

// The rules LV and VG names share.
std::string common_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  for (char c : name) {
    if (!allowed(c)) {
      std::string shown = c == '\0' ? "a NUL byte" : quote_name(std::string_view(&c, 1));
      return "contains " + shown + " (LVM names may only contain a-z A-Z 0-9 + _ . -)";
    }
  }
  if (name.front() == '-') return "starts with '-', which LVM does not allow";
  if (name == "." || name == "..") return "is \"" + std::string(name) + "\", which LVM does not allow";
  if (name.size() > kMaxLvNameLength) {
    return "is " + std::to_string(name.size()) + " characters long; LVM allows at most " +
           std::to_string(kMaxLvNameLength);
  }
  return {};
}

}  // namespace

std::string lv_name_problem(std::string_view lv, std::string_view vg) {
  if (auto problem = common_problem(lv); !problem.empty()) return problem;
  for (auto prefix : kReservedNamePrefixes) {
    if (lv.substr(0, prefix.size()) == prefix) {
      return "starts with \"" + std::string(prefix) + "\", which LVM reserves";
    }
  }
  for (auto part : kReservedNameParts) {
    if (lv.find(part) != std::string_view::npos) {
      return "contains \"" + std::string(part) + "\", which LVM reserves for its internal volumes";
    }
  }
  if (vg.size() + 1 + lv.size() > kMaxFullNameLength) {
    return "is too long for volume group " + quote_name(vg) + ": LVM allows at most " +
           std::to_string(kMaxFullNameLength) + " characters for \"<vg>/<lv>\"";
  }
  return {};
}

std::string vg_name_problem(std::string_view vg) { return common_problem(vg); }

std::string quote_name(std::string_view name) {
  constexpr std::size_t kShown = 80;
  std::string out = "'";
  for (std::size_t i = 0; i < name.size() && i < kShown; ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '\'';
  if (name.size() > kShown) out += "... (" + std::to_string(name.size()) + " characters)";
  return out;
}

std::string expand_template(std::string_view name_template, std::string_view id) {
  std::string out;
  for (std::size_t i = 0; i < name_template.size(); ++i) {
    if (name_template.compare(i, 2, "%s") == 0) {
      out += id;
      ++i;
    } else {
      out += name_template[i];
    }
  }
  return out;
}

std::string escape_snapshot_name(std::string name) {
  if (name.rfind("snapshot", 0) == 0) name.insert(name.begin(), '_');
  return name;
}

}  // namespace snapmgr::lvm
