#include "lun_probe.hpp"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "iscsi_names.hpp"

namespace snapmgr::iscsi {
namespace {

constexpr int kUnitAttentionRetries = 3;
constexpr int kReportLunsLength = 16384;
constexpr int kInquiryLength = 255;
constexpr int kDeviceIdLength = 1024;
constexpr int kReadKeysLength = 16384;

using Callback = void (*)(iscsi_context*, int, void*, void*);

bool is_check_condition(const ScsiAnswer& a, scsi_sense_key key) {
  return a.status == SCSI_STATUS_CHECK_CONDITION && a.task && a.task->sense.key == key;
}

// Runs a command, again while it answers UNIT ATTENTION.
Result<ScsiAnswer> run(IscsiSession& session, const std::string& what, const ScsiIssue& issue) {
  for (int attempt = 0;; ++attempt) {
    auto answer = session.execute(what, issue);
    if (!answer) return answer;
    if (!is_check_condition(*answer, SCSI_SENSE_UNIT_ATTENTION) || attempt == kUnitAttentionRetries) return answer;
  }
}

std::string trimmed(const char* text) {
  if (!text) return "";
  std::string s(text);
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string pick_designator(const scsi_inquiry_device_identification& page) {
  const scsi_inquiry_device_designator* eui = nullptr;
  for (auto* d = page.designators; d; d = d->next) {
    if (d->association != SCSI_ASSOCIATION_LOGICAL_UNIT || d->designator_length <= 0 || !d->designator) continue;
    if (d->designator_type == SCSI_DESIGNATOR_TYPE_NAA) {
      return format_designator("naa", reinterpret_cast<const unsigned char*>(d->designator),
                               static_cast<std::size_t>(d->designator_length));
    }
    if (d->designator_type == SCSI_DESIGNATOR_TYPE_EUI_64 && !eui) eui = d;
  }
  if (eui) {
    return format_designator("eui", reinterpret_cast<const unsigned char*>(eui->designator),
                             static_cast<std::size_t>(eui->designator_length));
  }
  return "";
}

// Records the first SCSI-level failure of the probe.
void note(LunFacts& facts, const std::string& step, const ScsiAnswer& answer) {
  if (facts.problem) return;
  facts.problem = answer.status == SCSI_STATUS_GOOD ? step + " returned data libiscsi could not decode"
                                                    : step + " failed: " + describe_scsi_answer(answer);
}

template <class T>
T* unmarshalled(const ScsiAnswer& answer) {
  return answer.status == SCSI_STATUS_GOOD ? static_cast<T*>(scsi_datain_unmarshall(answer.task.get())) : nullptr;
}

}  // namespace

Result<std::vector<int>> report_luns(IscsiSession& session) {
  auto answer = run(session, "REPORT LUNS", [](iscsi_context* c, Callback cb, void* p) {
    return iscsi_reportluns_task(c, 0, kReportLunsLength, cb, p);
  });
  if (!answer) return answer.error();
  auto* list = unmarshalled<scsi_reportluns_list>(*answer);
  if (!list) {
    return Error::backend("REPORT LUNS on " + session.peer() + " failed: " + describe_scsi_answer(*answer));
  }
  std::vector<int> luns;
  for (std::uint32_t i = 0; i < list->num; ++i) luns.push_back(list->luns[i]);
  return luns;
}

Result<std::optional<LunFacts>> probe_lun(IscsiSession& session, int lun) {
  LunFacts facts;
  facts.lun = lun;
  const std::string on_lun = " on LUN " + std::to_string(lun);

  auto inquiry = run(session, "INQUIRY" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 0, 0, kInquiryLength, cb, p);
  });
  if (!inquiry) return inquiry.error();
  if (auto* std_data = unmarshalled<scsi_inquiry_standard>(*inquiry)) {
    if (std_data->qualifier != SCSI_INQUIRY_PERIPHERAL_QUALIFIER_CONNECTED ||
        std_data->device_type != SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS) {
      return std::optional<LunFacts>{};
    }
    facts.vendor = trimmed(std_data->vendor_identification);
    facts.product = trimmed(std_data->product_identification);
  } else {
    note(facts, "INQUIRY", *inquiry);
  }

  auto ready = run(session, "TEST UNIT READY" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_testunitready_task(c, lun, cb, p);
  });
  if (!ready) return ready.error();
  if (ready->status != SCSI_STATUS_GOOD) note(facts, "TEST UNIT READY", *ready);

  auto capacity = run(session, "READ CAPACITY(16)" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_readcapacity16_task(c, lun, cb, p);
  });
  if (!capacity) return capacity.error();
  if (auto* rc = unmarshalled<scsi_readcapacity16>(*capacity)) {
    facts.size_bytes = (rc->returned_lba + 1) * static_cast<std::uint64_t>(rc->block_length);
  } else {
    note(facts, "READ CAPACITY(16)", *capacity);
  }

  auto serial = run(session, "INQUIRY VPD 0x80" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 1, SCSI_INQUIRY_PAGECODE_UNIT_SERIAL_NUMBER, kInquiryLength, cb, p);
  });
  if (!serial) return serial.error();
  if (auto* usn = unmarshalled<scsi_inquiry_unit_serial_number>(*serial)) {
    facts.serial = trimmed(usn->usn);
  } else {
    note(facts, "INQUIRY VPD 0x80", *serial);
  }

  auto identity = run(session, "INQUIRY VPD 0x83" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 1, SCSI_INQUIRY_PAGECODE_DEVICE_IDENTIFICATION, kDeviceIdLength, cb, p);
  });
  if (!identity) return identity.error();
  if (auto* page = unmarshalled<scsi_inquiry_device_identification>(*identity)) {
    facts.designator = pick_designator(*page);
  } else {
    note(facts, "INQUIRY VPD 0x83", *identity);
  }

  auto keys = run(session, "PERSISTENT RESERVE IN (READ KEYS)" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_persistent_reserve_in_task(c, lun, SCSI_PERSISTENT_RESERVE_READ_KEYS, kReadKeysLength, cb, p);
  });
  if (!keys) return keys.error();
  if (auto* read_keys = unmarshalled<scsi_persistent_reserve_in_read_keys>(*keys)) {
    facts.registered = read_keys->num_keys > 0;
  } else if (!is_check_condition(*keys, SCSI_SENSE_ILLEGAL_REQUEST)) {
    note(facts, "PERSISTENT RESERVE IN", *keys);
  }
  return std::optional<LunFacts>{std::move(facts)};
}

}  // namespace snapmgr::iscsi
