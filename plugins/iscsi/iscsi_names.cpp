#include "iscsi_names.hpp"

#include <algorithm>
#include <cctype>

namespace snapmgr::iscsi {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && same_iscsi_name(s.substr(0, prefix.size()), prefix);
}

}  // namespace

std::string quoted(std::string_view text, std::size_t max) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 0x0f];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  if (text.size() > max) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::optional<std::string> iscsi_name_problem(std::string_view name) {
  const std::string quoted = iscsi::quoted(name, 64);
  if (name.empty()) return std::string("an iSCSI name is empty");
  if (name.size() > kMaxIscsiNameLength) {
    return quoted + " is longer than " + std::to_string(kMaxIscsiNameLength) + " bytes";
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' || c == '_')) {
      return quoted + " is not an iSCSI name (allowed: letters, digits, '.', ':', '-', '_')";
    }
  }
  if (starts_with_ci(name, "iqn.")) {
    // iqn.yyyy-mm.<domain>...
    std::string_view date = name.substr(4, 7);
    bool ok = name.size() > 12 && date.size() == 7 && date[4] == '-' && name[11] == '.';
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
      ok = ok && i < date.size() && std::isdigit(static_cast<unsigned char>(date[i]));
    if (!ok) return quoted + " is not an iqn name (expected iqn.yyyy-mm.<reversed domain>[:<id>])";
    return std::nullopt;
  }
  if (starts_with_ci(name, "eui.") || starts_with_ci(name, "naa.")) {
    std::string_view hex = name.substr(4);
    bool ok = (hex.size() == 16 || (starts_with_ci(name, "naa.") && hex.size() == 32)) &&
              std::all_of(hex.begin(), hex.end(), is_hex);
    if (!ok) return quoted + " is not an eui./naa. name (expected 16 or 32 hex digits)";
    return std::nullopt;
  }
  return quoted + " is not an iSCSI name (expected iqn., eui. or naa.)";
}

bool same_iscsi_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

Result<std::string> normalize_designator(std::string_view text) {
  const std::string shape =
      "source-id " + quoted(text) + " is not a LUN designator (expected naa.<hex> or eui.<hex>, as listed)";
  if (text.size() < 5 || text.size() > 4 + 64) return Error::invalid_reference(shape);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  std::string_view hex = std::string_view(out).substr(4);
  const bool prefix_ok = out.rfind("naa.", 0) == 0 || out.rfind("eui.", 0) == 0;
  if (!prefix_ok || hex.size() < 16 || hex.size() % 2 != 0 || !std::all_of(hex.begin(), hex.end(), is_hex)) {
    return Error::invalid_reference(shape);
  }
  return out;
}

std::string format_designator(std::string_view prefix, const unsigned char* bytes, std::size_t length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(prefix);
  out += '.';
  for (std::size_t i = 0; i < length; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0x0f];
  }
  return out;
}

}  // namespace snapmgr::iscsi
