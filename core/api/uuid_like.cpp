#include "core/api/uuid_like.hpp"

#include <cctype>
#include <string>

namespace snapmgr::core::api {
namespace {

void remove_all(std::string& s, std::string_view what) {
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what)) s.erase(pos, what.size());
}

}  // namespace

bool is_uuid_like(std::string_view text) {
  std::string s(text);
  remove_all(s, "urn:");
  remove_all(s, "uuid:");
  auto first = s.find_first_not_of("{}");
  if (first == std::string::npos) return false;
  s = s.substr(first, s.find_last_not_of("{}") - first + 1);
  remove_all(s, "-");
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace snapmgr::core::api
