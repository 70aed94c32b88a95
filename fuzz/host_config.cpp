// Fuzz target: the YAML configuration loader (core/config/host_config). The input is the text
// of a snapmgr.yaml; it is parsed with yaml-cpp and checked key by key, and every error is
// rendered as the operator sees it (file, line, key).
#include <cstdint>
#include <string_view>

#include "core/config/host_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = snapmgr::core::parse_host_config(text, "fuzz.yaml");
  if (!loaded.errors.empty()) (void)snapmgr::core::to_string(loaded.errors);
  return 0;
}
