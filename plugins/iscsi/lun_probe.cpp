#include "lun_probe.hpp"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "scsi_data.hpp"

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

// Records the first SCSI-level failure of the probe.
void note(LunFacts& facts, const std::string& step, const ScsiAnswer& answer) {
  if (facts.problem) return;
  facts.problem = answer.status == SCSI_STATUS_GOOD ? step + " returned data libiscsi could not decode"
                                                    : step + " failed: " + describe_scsi_answer(answer);
}

// What `decode` (scsi_data.hpp) makes of a GOOD answer's data; nullopt for any other status.
template <class Decode>
auto decoded(const ScsiAnswer& answer, Decode decode) -> decltype(decode(*answer.task)) {
  if (answer.status != SCSI_STATUS_GOOD || !answer.task) return std::nullopt;
  return decode(*answer.task);
}

}  // namespace

Result<std::vector<int>> report_luns(IscsiSession& session) {
  auto answer = run(session, "REPORT LUNS", [](iscsi_context* c, Callback cb, void* p) {
    return iscsi_reportluns_task(c, 0, kReportLunsLength, cb, p);
  });
  if (!answer) return answer.error();
  auto luns = decoded(*answer, decode_report_luns);
  if (!luns) {
    return Error::backend("REPORT LUNS on " + session.peer() + " failed: " + describe_scsi_answer(*answer));
  }
  return std::move(*luns);
}

Result<std::optional<LunFacts>> probe_lun(IscsiSession& session, int lun) {
  LunFacts facts;
  facts.lun = lun;
  const std::string on_lun = " on LUN " + std::to_string(lun);

  auto inquiry = run(session, "INQUIRY" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 0, 0, kInquiryLength, cb, p);
  });
  if (!inquiry) return inquiry.error();
  if (auto standard = decoded(*inquiry, decode_standard_inquiry)) {
    if (!standard->direct_access_disk) return std::optional<LunFacts>{};
    facts.vendor = std::move(standard->vendor);
    facts.product = std::move(standard->product);
  } else {
    note(facts, "INQUIRY", *inquiry);
  }

  auto ready = run(session, "TEST UNIT READY" + on_lun,
                   [lun](iscsi_context* c, Callback cb, void* p) { return iscsi_testunitready_task(c, lun, cb, p); });
  if (!ready) return ready.error();
  if (ready->status != SCSI_STATUS_GOOD) note(facts, "TEST UNIT READY", *ready);

  auto capacity = run(session, "READ CAPACITY(16)" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_readcapacity16_task(c, lun, cb, p);
  });
  if (!capacity) return capacity.error();
  if (auto size = decoded(*capacity, decode_capacity16)) {
    facts.size_bytes = *size;
  } else {
    note(facts, "READ CAPACITY(16)", *capacity);
  }

  auto serial = run(session, "INQUIRY VPD 0x80" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 1, SCSI_INQUIRY_PAGECODE_UNIT_SERIAL_NUMBER, kInquiryLength, cb, p);
  });
  if (!serial) return serial.error();
  if (auto usn = decoded(*serial, decode_unit_serial_number)) {
    facts.serial = std::move(*usn);
  } else {
    note(facts, "INQUIRY VPD 0x80", *serial);
  }

  auto identity = run(session, "INQUIRY VPD 0x83" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_inquiry_task(c, lun, 1, SCSI_INQUIRY_PAGECODE_DEVICE_IDENTIFICATION, kDeviceIdLength, cb, p);
  });
  if (!identity) return identity.error();
  if (auto designator = decoded(*identity, decode_designator)) {
    facts.designator = std::move(*designator);
  } else {
    note(facts, "INQUIRY VPD 0x83", *identity);
  }

  auto keys = run(session, "PERSISTENT RESERVE IN (READ KEYS)" + on_lun, [lun](iscsi_context* c, Callback cb, void* p) {
    return iscsi_persistent_reserve_in_task(c, lun, SCSI_PERSISTENT_RESERVE_READ_KEYS, kReadKeysLength, cb, p);
  });
  if (!keys) return keys.error();
  if (auto registered = decoded(*keys, decode_registered)) {
    facts.registered = *registered;
  } else if (!is_check_condition(*keys, SCSI_SENSE_ILLEGAL_REQUEST)) {
    note(facts, "PERSISTENT RESERVE IN", *keys);
  }
  return std::optional<LunFacts>{std::move(facts)};
}

}  // namespace snapmgr::iscsi
