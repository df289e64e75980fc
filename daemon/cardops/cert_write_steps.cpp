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

/// A sentence about what the card holds now.
std::string holds(WriteState state, const std::optional<std::string>& backup) {
  const std::string saved = backup ? " The old certificate is saved in " + *backup + "." : "";
  switch (state) {
    case WriteState::old_certificate: return " The card holds the old certificate." + saved;
    case WriteState::new_certificate:
      return " The card acknowledged the new certificate but it could not be read back: check it "
             "with token.status." +
             saved;
    case WriteState::unknown: break;
  }
  return " What the card holds now is not known: re-insert it and check with token.status." + saved;
}

/// `failure` with the backup and what the card holds: in error.data, in the message and in
/// the note (kept when the job is cut short).
Failure on_card(Failure failure, WriteState state, const std::optional<std::string>& backup) {
  failure.extra["backup"] = backup ? nlohmann::json(*backup) : nlohmann::json(nullptr);
  failure.extra["write_state"] = to_string(state);
  failure.note = holds(state, backup);
  failure.message += failure.note;
  return failure;
}

Failure driver_failure(devices::TokenSession& s, Status status, const std::string& detail) {
  return from_driver(status, detail, s.driver().info().name, Operation::cert_write);
}

/// Refused before any PUT DATA (no or wrong key or PIN, bad arguments)?
bool refused_before_writing(Status status) {
  return status == Status::MgmtKeyRequired || status == Status::WrongMgmtKey || status == Status::BadArgs ||
         status == Status::WrongPin || status == Status::PinBlocked;
}

/// What a failed cert_write call left on the card: refused before any PUT DATA, or an error
/// status from the card = old; lost mid-way = unknown.
WriteState state_after_failed_write(Status status) {
  if (refused_before_writing(status) || status == Status::CardError || status == Status::Unsupported)
    return WriteState::old_certificate;
  return WriteState::unknown;
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

CardResult<void> check_key(devices::TokenSession& s, const WriteRequest& request,
                           const x509::Certificate& cert) {
  if (request.allow_key_mismatch) return {};
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_SLOT_PUBLIC_KEY))
    return unexpected(key_failure("The driver cannot tell the key in slot " + request.slot +
                                  ", so the certificate cannot be checked against it. Pass "
                                  "allow_key_mismatch only if you are sure it belongs to this card."));
  auto spki = driver.slot_public_key(s.handle(), s.channel(), request.slot);
  if (!spki)
    return unexpected(key_failure("The key in slot " + request.slot + " could not be read (" +
                                  drivers::to_string(spki.status) +
                                  "), so the certificate cannot be "
                                  "checked against it. Pass allow_key_mismatch only if you are sure."));
  switch (x509::match_public_key(cert, spki.value)) {
    case x509::KeyMatch::same_key: return {};
    case x509::KeyMatch::different_key:
      return unexpected(key_failure("The certificate is for another key than the one in slot " +
                                    request.slot +
                                    " of this card: it was issued for another card or another slot."));
    case x509::KeyMatch::unreadable_key: break;
  }
  return unexpected(
      key_failure("The card reported a key for slot " + request.slot + " that cannot be read."));
}

CardResult<OldCertificate> back_up_old(devices::TokenSession& s, const WriteRequest& request) {
  auto read = s.driver().cert_read(s.handle(), s.channel(), request.slot);
  if (read.status == Status::BadArgs)
    return unexpected(Failure{"",
                              "'" + request.slot +
                                  "' is not a certificate slot of this card (PIV: "
                                  "9a, 9c, 9d, 9e, 82-95).",
                              nlohmann::json::object(), ipc::kInvalidParams});
  if (!read && read.status != Status::NotFound)
    return unexpected(on_card(driver_failure(s, read.status, read.detail), WriteState::old_certificate, {}));
  OldCertificate old;
  if (!read) return old;  // an empty slot: nothing to save
  std::string error;
  old.backup = write_backup(request.state_dir, request.token, request.slot, read.value, request.now, error);
  if (!old.backup)
    return unexpected(Failure{reasons::backup_failed,
                              "The old certificate could not be backed up (" + error +
                                  "); nothing was written. Check the state directory.",
                              {{"write_state", "old"}}});
  old.der = std::move(read.value);
  return old;
}

CardResult<void> write_new(devices::TokenSession& s, const WriteRequest& request, OldCertificate& old) {
  // Writing authenticates the management key, which PIV has no command to drop: the card is
  // reset when this transaction ends.
  s.reset_card_on_release();
  auto written =
      s.driver().cert_write(s.handle(), s.channel(), request.slot, request.der, request.management_key);
  if (written) return {};
  if (old.backup && refused_before_writing(written.status)) {
    // The backup describes a write that never started.
    ::unlink(old.backup->c_str());
    old.backup.reset();
  }
  Failure failure = on_card(driver_failure(s, written.status, written.detail),
                            state_after_failed_write(written.status), old.backup);
  if (written.status == Status::MgmtKeyRequired && !request.key_file_problem.empty()) {
    failure.message += " The configured key file is refused: " + request.key_file_problem;
    failure.extra["key_file"] = request.key_file_problem;
  }
  return unexpected(std::move(failure));
}

CardResult<std::vector<std::uint8_t>> verify_or_restore(devices::TokenSession& s, const WriteRequest& request,
                                                        const OldCertificate& old) {
  auto& driver = s.driver();
  auto back = driver.cert_read(s.handle(), s.channel(), request.slot);
  if (back && back.value == request.der) return std::move(back.value);
  if (!back && back.status != Status::NotFound && back.status != Status::CardError)
    return unexpected(
        on_card(driver_failure(s, back.status, back.detail), WriteState::new_certificate, old.backup));
  // The card holds something else: put the old certificate back and read it again.
  bool restored = false;
  WriteState state = WriteState::unknown;
  std::optional<Failure> lost;
  if (old.der) {
    auto undo = driver.cert_write(s.handle(), s.channel(), request.slot, *old.der, request.management_key);
    if (undo) {
      auto check = driver.cert_read(s.handle(), s.channel(), request.slot);
      restored = check && check.value == *old.der;
      // acknowledged by the card even when the check could not read it back
      if (restored || check.status == Status::CardRemoved) state = WriteState::old_certificate;
      if (check.status == Status::CardRemoved) lost = driver_failure(s, check.status, check.detail);
    } else if (undo.status == Status::CardRemoved) {
      lost = driver_failure(s, undo.status, undo.detail);
    }
  }
  Failure failure =
      lost ? *lost
           : Failure{reasons::write_verify_failed,
                     restored ? "The card did not hold the certificate after writing; the old "
                                "certificate was put back. Re-insert the card and try again."
                              : "The card did not hold the certificate after writing and the old "
                                "one could not be put back. Keep the backup file and write it "
                                "or the new certificate again."};
  failure.extra["restored"] = restored;
  return unexpected(on_card(std::move(failure), state, old.backup));
}

CardResult<WrittenCertificate> write_on_card(devices::TokenSession& s, const WriteRequest& request,
                                             const x509::Certificate& cert) {
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_CERT_WRITE) || !driver.supports(EPORT_CAP_CERT_READ))
    return unexpected(on_card(driver_failure(s, Status::Unsupported, ""), WriteState::old_certificate, {}));
  if (auto key = check_key(s, request, cert); !key)
    return unexpected(on_card(key.error(), WriteState::old_certificate, {}));
  auto old = back_up_old(s, request);
  if (!old) return unexpected(old.error());
  if (auto written = write_new(s, request, *old); !written) return unexpected(written.error());
  auto back = verify_or_restore(s, request, *old);
  if (!back) return unexpected(back.error());
  return WrittenCertificate{std::move(*back), old->backup};
}

Failure with_write_state(Failure failure) {
  if (failure.extra.contains("write_state") || failure.code != ipc::kApplicationError) return failure;
  const bool maybe_written =
      (failure.reason == reasons::timeout && failure.extra.value("sent_to_card", false)) ||
      failure.reason == reasons::driver_error;
  return on_card(std::move(failure), maybe_written ? WriteState::unknown : WriteState::old_certificate, {});
}

}  // namespace eport::cardops
