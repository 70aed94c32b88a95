#include "host/build_fingerprint.hpp"

#include <vector>

namespace snapmgr::core {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string BuildFingerprint::current_form() const { return (library.empty() ? "?" : library) + "/" + abi + "/" + sdk; }

std::string BuildFingerprint::describe_library() const {
  if (library == "libstdc++" && abi == "cxx11abi=1") {
    return "libstdc++ with the C++11 string ABI (_GLIBCXX_USE_CXX11_ABI=1)";
  }
  if (library == "libstdc++" && abi == "cxx11abi=0") {
    return "libstdc++ with the pre-C++11 string ABI (_GLIBCXX_USE_CXX11_ABI=0)";
  }
  if (library == "libc++" && starts_with(abi, "abi=")) return "libc++ (ABI version " + std::string(abi.substr(4)) + ")";
  if (library.empty()) {
    return "an unknown standard library (an SDK 2.0 fingerprint with cxx11abi=0 from a compiler other than gcc: "
           "libc++, or libstdc++ with the pre-C++11 string ABI)";
  }
  return library + " (" + abi + ")";
}

std::optional<BuildFingerprint> parse_fingerprint(std::string_view fingerprint) {
  const auto parts = split(fingerprint, '/');
  if (parts.size() != 3 || !starts_with(parts[2], "sdk") || parts[1].empty()) return std::nullopt;
  BuildFingerprint f{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), false};
  if (f.library == "libstdc++" || f.library == "libc++" || f.library == "unknown-stdlib") return f;
  // The SDK 2.0 form: "<compiler family>/cxx11abi=<0|1>/sdk<major>".
  if (f.abi != "cxx11abi=0" && f.abi != "cxx11abi=1") return std::nullopt;
  const bool gcc = f.library == "gcc";
  f.legacy = true;
  f.library = (f.abi == "cxx11abi=1" || gcc) ? "libstdc++" : "";
  return f;
}

std::string fingerprint_mismatch(std::string_view plugin, std::string_view host) {
  auto p = parse_fingerprint(plugin);
  auto h = parse_fingerprint(host);
  const std::string both = "build fingerprint differs: plugin '" + std::string(plugin) + "'" +
                           (p && p->legacy ? " (SDK 2.0 form, read as '" + p->current_form() + "')" : "") + ", host '" +
                           std::string(host) + "'";
  if (!p) return both + ": the plugin's fingerprint is not one snapmgr writes";
  if (!h) return both + ": the host's fingerprint is not one snapmgr writes";
  if (!p->library.empty() && p->current_form() == h->current_form()) return {};
  if (p->sdk != h->sdk) return both + ": built for SDK " + p->sdk + ", the host is " + h->sdk;
  return both + ": built against " + p->describe_library() + ", the host uses " + h->describe_library() +
         " (rebuild the plugin against the host's standard library and ABI; the compiler may differ)";
}

}  // namespace snapmgr::core
