// Fuzz target: the reader of Cinder's `<volume>.info` files (plugins/nfs/volume_info). The
// input is the file's text; a file that parses is also queried, updated as an adoption and an
// unmanage do, written back in Cinder's format and read again — which must succeed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "volume_info.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using snapmgr::nfs::VolumeInfo;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.size() > snapmgr::nfs::kMaxInfoFileBytes) return 0;  // the driver refuses larger files before parsing
  auto info = VolumeInfo::parse(text, "volume-a.info");
  if (!info) return 0;
  (void)info->ids_of(info->active());
  (void)info->file_of("active");
  info->record("0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11", "volume-a.0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11");
  (void)info->forget("0e3f2b1c-54e2-4f4f-9f42-5c0b8f6f6a11");
  const std::string written = info->serialize();
  if (!VolumeInfo::parse(written, "volume-a.info")) {
    std::fprintf(stderr, "nfs_volume_info: the serialized info file does not parse:\n%s\n", written.c_str());
    std::abort();
  }
  return 0;
}
