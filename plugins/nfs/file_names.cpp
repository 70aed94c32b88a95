#include "file_names.hpp"

#include <cstdint>

namespace snapmgr::nfs {
namespace {

// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t min_code = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min_code = 0x80, code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min_code = 0x800, code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min_code = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::optional<std::string> unsafe_file_name_reason(std::string_view name) {
  if (name.empty()) return "the file name is empty";
  if (name.size() > kMaxFileNameBytes) {
    return "the file name has " + std::to_string(name.size()) + " bytes (at most " + std::to_string(kMaxFileNameBytes) +
           " are allowed)";
  }
  if (name.find('\0') != std::string_view::npos) return "the file name contains a NUL byte";
  if (name.find('/') != std::string_view::npos) {
    return "the file name contains '/' (only files directly in the share are managed)";
  }
  if (name.find("..") != std::string_view::npos) return "the file name contains '..'";
  if (name.front() == '.') return "the file name starts with '.' (hidden files are not managed)";
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<std::uint8_t>(name[i]);
    if (c < 0x20 || c == 0x7F) return "the file name contains a control character";
    const std::size_t length = utf8_sequence_length(name, i);
    if (length == 0) return "the file name is not valid UTF-8";
    i += length;
  }
  return std::nullopt;
}

std::string printable(std::string_view text, std::size_t limit) {
  const std::size_t kShown = limit;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kShown;) {
    const auto c = static_cast<std::uint8_t>(text[i]);
    const std::size_t length = utf8_sequence_length(text, i);
    if (c >= 0x20 && c != 0x7F && c != '\\' && length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += c == '\\' ? std::string("\\\\") : std::string("\\x") + kHex[c >> 4] + kHex[c & 0xF];
      ++i;
    }
  }
  if (text.size() > kShown) out += "\xE2\x80\xA6 (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace snapmgr::nfs
