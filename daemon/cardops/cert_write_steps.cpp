#include "cardops/cert_write_steps.hpp"

#include <string.h>  // explicit_bzero
#include <unistd.h>

#include <eport/driver.h>

#include "cardops/cert_backup.hpp"
#include "cardops/slot_names.hpp"
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

/// Which certificate `slot` holds now, read back from the token: "new", "old", "other", "none"
/// or "unknown" (it could not be read).
std::string holds_now(devices::TokenSession& s, const WriteRequest& request, const std::string& slot,
                      const OldCertificate& old) {
  auto now = s.driver().cert_read(s.handle(), s.channel(), slot);
  if (now) return now.value == request.der ? "new" : (old.der && now.value == *old.der ? "old" : "other");
  return now.status == Status::NotFound ? "none" : "unknown";
}

/// `failure` with `holds` in error.data.
Failure with_holds(Failure failure, std::string holds) {
  failure.extra["holds"] = std::move(holds);
  return failure;
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

CardResult<void> check_key(devices::TokenSession& s, const WriteRequest& request, const std::string& slot,
                           const x509::Certificate& cert) {
  if (request.allow_key_mismatch) return {};
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_SLOT_PUBLIC_KEY))
    return unexpected(key_failure("The driver cannot tell the key in slot " + slot +
                                  ", so the certificate cannot be checked against it. Pass "
                                  "allow_key_mismatch only if you are sure it belongs to this card."));
  auto spki = driver.slot_public_key(s.handle(), s.channel(), slot);
  // A token pulled (or silent) while its key was read: say so, not "the key is unreadable".
  if (spki.status == Status::CardRemoved || spki.status == Status::Timeout)
    return unexpected(from_driver(spki.status, spki.detail, driver.info().name, Operation::cert_write));
  if (!spki)
    return unexpected(key_failure("The key in slot " + slot + " could not be read (" +
                                  drivers::to_string(spki.status) +
                                  "), so the certificate cannot be "
                                  "checked against it. Pass allow_key_mismatch only if you are sure."));
  switch (x509::match_public_key(cert, spki.value)) {
    case x509::KeyMatch::same_key: return {};
    case x509::KeyMatch::different_key:
      return unexpected(key_failure("The certificate is for another key than the one in slot " + slot +
                                    " of this card: it was issued for another card or another slot."));
    case x509::KeyMatch::unreadable_key: break;
  }
  return unexpected(key_failure("The card reported a key for slot " + slot + " that cannot be read."));
}

CardResult<SlotNow> find_slot(devices::TokenSession& s, const WriteRequest& request) {
  SlotNow now{request.slot, s.driver().cert_read(s.handle(), s.channel(), request.slot)};
  if (now.read.status != Status::BadArgs) return now;
  // Not a slot of this token: perhaps under another case ("9A"); else name its slots.
  const auto slots = known_or_listed(s, request.known_slots);
  if (auto listed = listed_slot(slots, request.slot); listed && *listed != request.slot) {
    now.slot = *listed;
    now.read = s.driver().cert_read(s.handle(), s.channel(), now.slot);
  }
  if (now.read.status == Status::BadArgs) return unexpected(unknown_slot(request.slot, slots));
  return now;
}

CardResult<OldCertificate> back_up_old(const WriteRequest& request, const SlotNow& now,
                                       const std::string& driver) {
  const auto& read = now.read;
  if (!read && read.status != Status::NotFound)
    return unexpected(on_card(from_driver(read.status, read.detail, driver, Operation::cert_write),
                              WriteState::old_certificate, {}));
  OldCertificate old;
  if (!read) return old;  // an empty slot: nothing to save
  std::string error;
  old.backup = write_backup(request.state_dir, request.token, now.slot, read.value, request.now, error);
  if (!old.backup)
    return unexpected(Failure{reasons::backup_failed,
                              "The old certificate could not be backed up (" + error +
                                  "); nothing was written. Check the state directory.",
                              {{"write_state", "old"}}});
  old.der = read.value;
  return old;
}

CardResult<void> write_new(devices::TokenSession& s, const WriteRequest& request, const std::string& slot,
                           OldCertificate& old) {
  // Writing authenticates the management key, which PIV has no command to drop: the card is
  // reset when this transaction ends.
  s.reset_card_on_release();
  auto written = s.driver().cert_write(s.handle(), s.channel(), slot, request.der, request.management_key);
  if (written) return {};
  if (old.backup && refused_before_writing(written.status)) {
    // The backup describes a write that never started.
    ::unlink(old.backup->c_str());
    old.backup.reset();
  }
  // Which certificate the slot holds: read back unless nothing can have reached it.
  const bool refused = refused_before_writing(written.status);
  Failure failure =
      on_card(with_holds(driver_failure(s, written.status, written.detail),
                         refused ? (old.der ? "old" : "none") : holds_now(s, request, slot, old)),
              state_after_failed_write(written.status), old.backup);
  if (written.status == Status::MgmtKeyRequired && !request.key_file_problem.empty()) {
    failure.message += " The configured key file is refused: " + request.key_file_problem;
    failure.extra["key_file"] = request.key_file_problem;
  }
  return unexpected(std::move(failure));
}

CardResult<std::vector<std::uint8_t>> verify_or_restore(devices::TokenSession& s, const WriteRequest& request,
                                                        const std::string& slot, const OldCertificate& old) {
  auto& driver = s.driver();
  auto back = driver.cert_read(s.handle(), s.channel(), slot);
  if (back && back.value == request.der) return std::move(back.value);
  if (!back && back.status != Status::NotFound && back.status != Status::CardError)
    return unexpected(
        on_card(with_holds(driver_failure(s, back.status, back.detail), holds_now(s, request, slot, old)),
                WriteState::new_certificate, old.backup));
  // The card holds something else: put the old certificate back and read it again.
  bool restored = false;
  WriteState state = WriteState::unknown;
  std::optional<Failure> lost;
  if (old.der) {
    auto undo = driver.cert_write(s.handle(), s.channel(), slot, *old.der, request.management_key);
    if (undo) {
      auto check = driver.cert_read(s.handle(), s.channel(), slot);
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
  failure.extra["holds"] = lost ? std::string("unknown") : holds_now(s, request, slot, old);
  return unexpected(on_card(std::move(failure), state, old.backup));
}

CardResult<WrittenCertificate> write_on_card(devices::TokenSession& s, const WriteRequest& request,
                                             const x509::Certificate& cert) {
  auto& driver = s.driver();
  if (!driver.supports(EPORT_CAP_CERT_WRITE) || !driver.supports(EPORT_CAP_CERT_READ))
    return unexpected(on_card(driver_failure(s, Status::Unsupported, ""), WriteState::old_certificate, {}));
  auto now = find_slot(s, request);
  if (!now) return unexpected(now.error());
  const auto& slot = now->slot;
  if (auto key = check_key(s, request, slot, cert); !key)
    return unexpected(on_card(key.error(), WriteState::old_certificate, {}));
  auto old = back_up_old(request, *now, driver.info().name);
  if (!old) return unexpected(old.error());
  if (auto written = write_new(s, request, slot, *old); !written) return unexpected(written.error());
  auto back = verify_or_restore(s, request, slot, *old);
  if (!back) return unexpected(back.error());
  return WrittenCertificate{slot, std::move(*back), old->backup};
}

Failure with_write_state(Failure failure) {
  if (failure.extra.contains("write_state") || failure.code != ipc::kApplicationError) return failure;
  const bool maybe_written =
      (failure.reason == reasons::timeout && failure.extra.value("sent_to_card", false)) ||
      failure.reason == reasons::driver_error;
  return on_card(std::move(failure), maybe_written ? WriteState::unknown : WriteState::old_certificate, {});
}

}  // namespace eport::cardops
