// Fuzz target: the parser of the `lvs --reportformat json` report (plugins/lvm/lvs_report),
// the text lvm2 writes on stdout for every listing, inspection and adoption.
#include <cstdint>
#include <string_view>

#include "lvs_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rows = snapmgr::lvm::parse_lvs_report(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rows) (void)rows.error().message();
  return 0;
}
