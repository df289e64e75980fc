#include "devices/job_policy.hpp"

#include "eport/common/reasons.hpp"

namespace eport::devices {

AttemptDecision after_attempt(const AttemptReport& report, bool read_only, int attempt) {
  AttemptDecision d;
  if (report.threw) {
    d.outcome = {JobEnd::failed, "internal error: " + report.error};
  } else if (report.reset) {
    if (read_only && attempt == 1) {
      d.retry = true;
    } else {
      d.outcome = {JobEnd::card_reset,
                   "another program reset the card during the operation, which was not "
                   "repeated; check the card's state and try again"};
    }
  } else if (report.removed) {
    d.outcome = {JobEnd::token_removed, "the card was removed during the operation"};
  } else if (pcsc_service_gone(report.pcsc_error)) {
    d.outcome = outcome_for_pcsc(report.pcsc_error);
  }
  return d;
}

JobOutcome outcome_for_pcsc(PcscCode code) {
  if (pcsc_card_gone(code)) return {JobEnd::token_removed, "the card was removed; insert it again and retry"};
  return {JobEnd::pcsc_error,
          "PC/SC failed (" + pcsc_error_text(code) + "); check that pcscd is running and retry"};
}

std::string protocol_reason(const JobOutcome& outcome) {
  switch (outcome.end) {
    case JobEnd::completed: return "";
    case JobEnd::token_removed: return reasons::token_removed;
    case JobEnd::card_reset: return reasons::token_removed;
    case JobEnd::pcsc_error: return reasons::pcsc_unavailable;
    case JobEnd::failed: return reasons::driver_error;
    case JobEnd::expired: return reasons::timeout;
  }
  return reasons::driver_error;
}

}  // namespace eport::devices
