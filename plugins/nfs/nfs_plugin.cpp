// The nfs driver's descriptor and entry point.
#include "nfs_driver.hpp"
#include "snapmgr/export.hpp"

namespace snapmgr::nfs {

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "nfs",
      "snapmgr",
      "1.0.0",
      capabilities_of<NfsDriver>(),
      {
          {"shares",
           OptionType::List,
           true,
           {},
           "shares holding Cinder-style images: server:/export (reached with libnfs) or a local directory; with "
           "several, "
           "references carry \"share\""},
          {"nfs_version", OptionType::Integer, false, OptionValue(4),
           "NFS protocol version for server:/export shares: 3 or 4"},
          {"nfs_port",
           OptionType::Integer,
           false,
           {},
           "the NFS server's port (default: the protocol's, 2049 for NFSv4)"},
          {"snapshot_name_template", OptionType::String, false, OptionValue("snapshot-%s"),
           "overlays named so (or <volume file>.<id>, Cinder's) were made for snapshot <id>: "
           "their .info record under <id> is not an adoption"},
          {"volume_name_template", OptionType::String, false, OptionValue("volume-%s"),
           "volume file names; %s is a UUID"},
          {"command_timeout_s", OptionType::Integer, false, OptionValue(30),
           "the longest wait for one NFS request, in seconds (1-3600)"},
      },
      &NfsDriver::create,
  };
  return &d;
}

}  // namespace snapmgr::nfs

SNAPMGR_EXPORT_DRIVER(snapmgr::nfs::descriptor)
