#pragma once
// A unit of card work for a token's worker, and the session it runs in.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "devices/job_gate.hpp"
#include "devices/token.hpp"
#include "drivers/card_channel.hpp"
#include "drivers/driver.hpp"
#include "drivers/token_handle.hpp"

namespace eport::devices {

/// What a job gets while it runs: the card channel, the driver and its open token. Valid only
/// during the call, on the token's worker thread, inside a PC/SC card transaction.
class TokenSession {
 public:
  /// Built by the worker.
  TokenSession(drivers::CardChannel& channel, drivers::Driver& driver, drivers::TokenHandle& handle,
               const Token& token, int attempt, std::uint64_t resets = 0)
      : channel_(channel),
        driver_(driver),
        handle_(handle),
        token_(token),
        attempt_(attempt),
        resets_(resets) {}

  /// The card connection to pass to driver operations.
  drivers::CardChannel& channel() { return channel_; }
  /// The driver that opened this token.
  drivers::Driver& driver() { return driver_; }
  /// The driver's open token.
  drivers::TokenHandle& handle() { return handle_; }
  /// The token as the registry lists it.
  const Token& token() const { return token_; }
  /// 1, or 2 when a read-only job is repeated after someone reset the card.
  int attempt() const { return attempt_; }
  /// How often the worker found the card reset by another program since the token appeared
  /// (what was read before a reset may be stale: cardops' certificate cache compares this).
  std::uint64_t resets() const { return resets_; }
  /// Ends this job's transaction with a card reset (SCARD_RESET_CARD): every security state the
  /// job may have left on the card (e.g. management-key authentication, which PIV has no
  /// command to drop) is gone before any other program gets the card.
  void reset_card_on_release() { reset_on_release_ = true; }
  /// True when reset_card_on_release() was called.
  bool reset_requested() const { return reset_on_release_; }

 private:
  drivers::CardChannel& channel_;
  drivers::Driver& driver_;
  drivers::TokenHandle& handle_;
  const Token& token_;
  int attempt_;
  std::uint64_t resets_;
  bool reset_on_release_ = false;
};

/// How a job ended, as far as the worker can tell.
enum class JobEnd {
  completed,      ///< work ran to its end (its own result says whether the card agreed)
  token_removed,  ///< the card left (before or while the job ran)
  card_reset,     ///< another program reset the card during a job that is not read-only;
                  ///< the job was not repeated
  pcsc_error,     ///< pcscd failed or went away
  failed,         ///< work threw an exception (a bug)
  expired         ///< its deadline passed before it started: nothing was sent to the card
};

/// The end of a job: how, and a sentence for the user when it did not complete.
struct JobOutcome {
  /// How the job ended.
  JobEnd end = JobEnd::completed;
  /// What happened and what to do; "" when completed.
  std::string message;
};

/// The protocol's error reason for an outcome that did not complete ("token_removed",
/// "pcsc_unavailable", "driver_error", "timeout"); "" for completed.
std::string protocol_reason(const JobOutcome& outcome);

/// Card work for one token.
struct Job {
  /// True when the work only reads (status, certificate read): after a card reset it may be
  /// run once more. False for anything that changes the card: never repeated.
  bool read_only = true;
  /// The work; runs on the token's worker thread inside a card transaction. For a read-only
  /// job it may run twice, so it must overwrite (not append to) what it captured.
  std::function<void(TokenSession&)> work;
  /// Called exactly once after the last attempt, or instead of work when the token goes away
  /// first. Any thread; post the reply to the I/O thread from here.
  std::function<void(const JobOutcome&)> done;
  /// The job's deadline (null = none): the worker starts the job only through
  /// gate->try_start(), right before its first APDU; a job the gate refuses ends as `expired`
  /// without a single APDU.
  std::shared_ptr<JobGate> gate;
};

/// What submit() did with a job.
enum class SubmitResult {
  queued,        ///< done() will be called
  busy,          ///< the token's queue is full (protocol reason `busy`); done() is not called
  no_such_token  ///< unknown or removed token (`no_such_token`); done() is not called
};

}  // namespace eport::devices
