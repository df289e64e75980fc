#pragma once
// What a token worker does after one attempt of a job: pure rules, testable without a card.

#include <string>

#include "devices/pcsc_error.hpp"
#include "devices/token_job.hpp"

namespace eport::devices {

/// What happened during one attempt of a job.
struct AttemptReport {
  /// The job's work threw; `error` says what.
  bool threw = false;
  /// The exception text when threw.
  std::string error;
  /// A transmit saw SCARD_W_RESET_CARD, or SCardEndTransaction did.
  bool reset = false;
  /// A transmit saw the card gone.
  bool removed = false;
  /// The last PC/SC failure of a transmit (0 = none).
  PcscCode pcsc_error = 0;
};

/// The step after an attempt: run the work again, or end the job with `outcome`.
struct AttemptDecision {
  /// Run the work once more (only read-only jobs, only after a reset on the first attempt).
  bool retry = false;
  /// How the job ends when not retried.
  JobOutcome outcome;
};

/// The reconnect/retry rule: after a card reset a read-only job runs once more; a job that may
/// have changed the card is never repeated; removal and pcscd failures end the job.
AttemptDecision after_attempt(const AttemptReport& report, bool read_only, int attempt);

/// The outcome of a job whose transaction could not start because of PC/SC `code`.
JobOutcome outcome_for_pcsc(PcscCode code);

}  // namespace eport::devices
