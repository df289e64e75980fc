#include "cardops/cert_write_steps.hpp"

#include <string.h>  // explicit_bzero
#include <unistd.h>

#include <eport/driver.h>

#include "cardops/cert_backup.hpp"
#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "x509/key_match.hpp"

namespace eport::cardops {

namespace {

using drivers::Status;

Failure key_failure(const std::string& why) {
  return {reasons::cert_key_mismatch, why + " Nothing was written.", nlohmann::json::object()};
}

/// Step 1: the slot's key must be the certificate's key. A failure to stop, or nullopt.
std::optional<Failure> check_key(devices::TokenSession& s, const WriteRequest& request,
                                 const x509::Certificate& cert) {
  if (request.allow_key_mismatch) return std::nullopt;
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_SLOT_PUBLIC_KEY))
    return key_failure("The driver cannot tell the key in slot " + request.slot +
                       ", so the certificate cannot be checked against it. Pass "
                       "allow_key_mismatch only if you are sure it belongs to this card.");
  auto spki = driver.slot_public_key(s.handle(), s.channel(), request.slot);
  if (!spki)
    return key_failure("The key in slot " + request.slot + " could not be read (" +
                       drivers::to_string(spki.status) +
                       "), so the certificate cannot be "
                       "checked against it. Pass allow_key_mismatch only if you are sure.");
  switch (x509::match_public_key(cert, spki.value)) {
    case x509::KeyMatch::same_key: return std::nullopt;
    case x509::KeyMatch::different_key:
      return key_failure("The certificate is for another key than the one in slot " + request.slot +
                         " of this card: it was issued for another card or another slot.");
    case x509::KeyMatch::unreadable_key: break;
  }
  return key_failure("The card reported a key for slot " + request.slot + " that cannot be read.");
}

/// A sentence for a failure about what the card holds now.
std::string holds(const WriteOutcome& out) {
  const std::string backup = out.backup ? " The old certificate is saved in " + *out.backup + "." : "";
  switch (out.state) {
    case WriteState::old_certificate: return " The card holds the old certificate." + backup;
    case WriteState::new_certificate:
      return " The card acknowledged the new certificate but it could not be read back: check it "
             "with token.status." +
             backup;
    case WriteState::unknown: break;
  }
  return " What the card holds now is not known: re-insert it and check with token.status." + backup;
}

/// Adds the backup, write_state and the sentence about them to a failure of step 3 or 4.
Failure with_state(Failure failure, const WriteOutcome& out) {
  failure.extra["backup"] = out.backup ? nlohmann::json(*out.backup) : nlohmann::json(nullptr);
  failure.extra["write_state"] = to_string(out.state);
  failure.message += holds(out);
  return failure;
}

/// What a failed cert_write call left on the card: refused before any PUT DATA (no or wrong
/// key, bad arguments, an error status from the card) = old; lost mid-way = unknown.
WriteState state_after_failed_write(Status status) {
  switch (status) {
    case Status::MgmtKeyRequired:
    case Status::WrongMgmtKey:
    case Status::BadArgs:
    case Status::CardError:
    case Status::WrongPin:  // a token that writes with the user PIN (SKF) refused it
    case Status::PinBlocked:
    case Status::Unsupported: return WriteState::old_certificate;
    default: return WriteState::unknown;
  }
}

/// Step 4b: the read-back differed; put the old certificate back and read again.
void restore(devices::TokenSession& s, const WriteRequest& request,
             const std::optional<std::vector<std::uint8_t>>& old, WriteOutcome& out) {
  auto& driver = s.driver();
  bool restored = false;
  out.state = WriteState::unknown;  // the card holds something that is not what we wrote
  std::optional<Failure> lost;
  if (old) {
    auto undo = driver.cert_write(s.handle(), s.channel(), request.slot, *old, request.management_key);
    if (!undo) {
      if (undo.status == Status::CardRemoved)
        lost = from_driver(undo.status, undo.detail, "", Operation::cert_write);
    } else {
      auto check = driver.cert_read(s.handle(), s.channel(), request.slot);
      restored = check && check.value == *old;
      // acknowledged by the card even when the check could not read it back
      if (restored || check.status == Status::CardRemoved) out.state = WriteState::old_certificate;
      if (check.status == Status::CardRemoved)
        lost = from_driver(check.status, check.detail, "", Operation::cert_write);
    }
  }
  if (lost) {
    out.failure = with_state(*lost, out);
    out.failure->extra["restored"] = restored;
    return;
  }
  out.failure =
      with_state(Failure{reasons::write_verify_failed,
                         restored ? "The card did not hold the certificate after writing; the old "
                                    "certificate was put back. Re-insert the card and try again."
                                  : "The card did not hold the certificate after writing and the old "
                                    "one could not be put back. Keep the backup file and write it "
                                    "or the new certificate again.",
                         {{"restored", restored}}},
                 out);
}

}  // namespace

WriteRequest::~WriteRequest() {
  if (!management_key.empty()) explicit_bzero(management_key.data(), management_key.size());
}

const char* to_string(WriteState state) {
  switch (state) {
    case WriteState::old_certificate: return "old";
    case WriteState::new_certificate: return "new";
    case WriteState::unknown: break;
  }
  return "unknown";
}

void write_on_card(devices::TokenSession& s, const WriteRequest& request, const x509::Certificate& cert,
                   WriteOutcome& out) {
  out = WriteOutcome{};
  out.started = true;
  auto& driver = s.driver();
  const auto name = driver.info().name;
  auto driver_fail = [&](Status status, const std::string& detail) {
    out.failure = with_state(from_driver(status, detail, name, Operation::cert_write), out);
  };
  if (!driver.supports(EPORT_CAP_CERT_WRITE) || !driver.supports(EPORT_CAP_CERT_READ))
    return driver_fail(Status::Unsupported, "");
  if (auto mismatch = check_key(s, request, cert)) return void(out.failure = with_state(*mismatch, out));
  // Step 2: back up what the slot holds now.
  auto old = driver.cert_read(s.handle(), s.channel(), request.slot);
  if (old.status == Status::BadArgs) {
    out.failure = Failure{"",
                          "'" + request.slot +
                              "' is not a certificate slot of this card (PIV: "
                              "9a, 9c, 9d, 9e, 82-95).",
                          nlohmann::json::object(), ipc::kInvalidParams};
    return;
  }
  if (!old && old.status != Status::NotFound) return driver_fail(old.status, old.detail);
  if (old) {
    std::string error;
    out.backup = write_backup(request.state_dir, request.token, request.slot, old.value, request.now, error);
    if (!out.backup) {
      out.failure = Failure{reasons::backup_failed,
                            "The old certificate could not be backed up (" + error +
                                "); nothing was written. Check the state directory.",
                            {{"write_state", "old"}}};
      return;
    }
  }
  // Step 3: write. Writing authenticates the management key, which PIV has no command to drop:
  // the card is reset when this transaction ends.
  s.reset_card_on_release();
  auto written =
      driver.cert_write(s.handle(), s.channel(), request.slot, request.der, request.management_key);
  if (!written) {
    out.state = state_after_failed_write(written.status);
    if (written.status == Status::MgmtKeyRequired && !request.key_file_problem.empty()) {
      driver_fail(written.status, written.detail);
      out.failure->message += " The configured key file is refused: " + request.key_file_problem;
      out.failure->extra["key_file"] = request.key_file_problem;
      return;
    }
    // Refused before any PUT DATA: the backup describes a write that never started.
    if (out.backup && (written.status == Status::MgmtKeyRequired || written.status == Status::WrongMgmtKey ||
                       written.status == Status::BadArgs || written.status == Status::WrongPin ||
                       written.status == Status::PinBlocked)) {
      ::unlink(out.backup->c_str());
      out.backup.reset();
    }
    return driver_fail(written.status, written.detail);
  }
  out.state = WriteState::new_certificate;
  // Step 4: read back what the card really holds.
  auto back = driver.cert_read(s.handle(), s.channel(), request.slot);
  if (back && back.value == request.der) return void(out.read_back = back.value);
  if (!back && back.status != Status::NotFound && back.status != Status::CardError)
    return driver_fail(back.status, back.detail);
  restore(s, request, old ? std::optional(old.value) : std::nullopt, out);
}

std::optional<Failure> interrupted_write(const Failure& interrupted, const WriteOutcome& out) {
  if (out.started && !out.failure && !out.read_back.empty()) return std::nullopt;  // verified
  WriteOutcome known = out;
  if (!out.started) known.state = WriteState::old_certificate;  // the work never ran
  Failure failure = with_state(interrupted, known);
  if (out.failure && out.failure->extra.contains("restored"))
    failure.extra["restored"] = out.failure->extra["restored"];
  return failure;
}

}  // namespace eport::cardops
