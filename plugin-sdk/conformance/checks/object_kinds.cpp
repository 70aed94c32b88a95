#include "checks/object_kinds.hpp"

#include <filesystem>
#include <mutex>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace snapmgr::conformance {

std::string describe(const Error& error) { return std::string(to_string(error.code())) + ": " + error.message(); }

std::string shell_probe_path(const std::string& scratch_dir) {
  return (std::filesystem::path(scratch_dir) / "shell-was-here").string();
}

std::vector<MalformedReference> malformed_references(const std::string& scratch_dir) {
  const std::string probe = shell_probe_path(scratch_dir);
  auto named = [](std::string value) { return StringMap{{"source-name", std::move(value)}}; };
  return {
      {"an empty reference", StringMap{}},
      {"neither source-name nor source-id", StringMap{{"no-such-key", "x"}}},
      {"an empty source-name", named("")},
      {"an empty source-id", StringMap{{"source-id", ""}}},
      {"a path escape", named("../x")},
      {"a deeper path escape", named("../../../../etc/passwd")},
      {"an absolute path", named("/etc/passwd")},
      {"shell syntax", named("a;b")},
      {"a command substitution", named("$(touch " + probe + ")")},
      {"a backtick command", named("`touch " + probe + "`")},
      {"an option-like name", named("--help")},
      {"a NUL character", named(std::string("x\0y", 3))},
      {"a newline", named("a\nb")},
      {"10,000 characters", named(std::string(10'000, 'a'))},
      {"a hostile source-id", StringMap{{"source-id", "../x;rm -rf /"}}},
  };
}

StringMap missing_reference_like(const StringMap& listed) {
  StringMap missing;
  for (const auto& [key, value] : listed) missing.set(key, value + "-snapmgr-conformance-missing");
  if (missing.empty()) missing.set("source-name", "snapmgr-conformance-missing");
  return missing;
}

std::string new_uuid() {
  static std::mutex mutex;
  static boost::uuids::random_generator generator;
  std::lock_guard lock(mutex);
  return boost::uuids::to_string(generator());
}

}  // namespace snapmgr::conformance
