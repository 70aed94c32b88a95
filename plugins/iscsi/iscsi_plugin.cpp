// The iscsi driver's descriptor and entry point (option semantics: iscsi_config.hpp).
#include "iscsi_driver.hpp"
#include "snapmgr/export.hpp"

namespace snapmgr::iscsi {

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "iscsi",
      "snapmgr",
      "1.0.0",
      capabilities_of<IscsiDriver>(),
      {
          {"portals", OptionType::List, true, {}, "iSCSI portals [host:port, ...] to run SendTargets discovery on"},
          {"initiator_name", OptionType::String, false, kDefaultInitiatorName, "the initiator's iSCSI name"},
          {"chap", OptionType::Map, false, {}, "one-way CHAP credentials {user, password} for every login"},
          {"snapshot_target_pattern", OptionType::String, false, kDefaultSnapshotPattern,
           "regex fully matching snapshot target IQNs; named group (?<origin>...) is the origin volume's name"},
          {"volume_target_pattern", OptionType::String, false, kDefaultVolumePattern,
           "regex fully matching volume target IQNs; optional named group (?<name>...) is the volume's name"},
          {"command_timeout_s", OptionType::Integer, false, kDefaultCommandTimeoutS,
           "seconds one network exchange (connect, login, SendTargets, SCSI command) may take"},
          {"max_parallel_logins", OptionType::Integer, false, kDefaultMaxParallelLogins,
           "iSCSI sessions one call may have open at the same time"},
      },
      &IscsiDriver::create,
  };
  return &d;
}

}  // namespace snapmgr::iscsi

SNAPMGR_EXPORT_DRIVER(snapmgr::iscsi::descriptor)
