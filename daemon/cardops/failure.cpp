#include "cardops/failure.hpp"

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"

namespace eport::cardops {

using drivers::Status;

Failure from_driver(Status status, const std::string& detail, const std::string& driver,
                    Operation operation) {
  switch (status) {
    case Status::WrongPin:
      if (operation == Operation::pin_reset)
        return {reasons::wrong_puk,
                "The PUK is wrong. Check the PUK from the card's documents; do not guess: "
                "when the PUK blocks, the card must be replaced."};
      return {reasons::wrong_pin,
              "The PIN is wrong. Check it and try again; tries_left says how many "
              "tries remain before the PIN blocks."};
    case Status::PinBlocked:
      if (operation == Operation::pin_reset)
        return {reasons::puk_blocked,
                "The PUK is blocked: this card can no longer be unlocked and must "
                "be replaced. Bring the card, the business license and ID cards to a "
                "business site."};
      return {reasons::pin_blocked,
              "The PIN is blocked. An administrator can reset it to the default with "
              "the PUK (pin.reset, or 'eportctl unlock')."};
    case Status::InvalidPin:
      return {reasons::invalid_pin,
              "The new PIN does not fit the token's rules (length or characters). "
              "Nothing was sent that could spend a try; choose another PIN."};
    case Status::WrongMgmtKey:
      return {reasons::wrong_management_key,
              "The card refused the management key. Check the key given "
              "with the call or the driver's management_key_file."};
    case Status::MgmtKeyRequired:
      return {reasons::management_key_required,
              "Writing to this token needs a credential that was not given: its "
              "management key (pass management_key in hex, or configure the driver's "
              "management_key_file) or, for a token that stores certificates only after a "
              "login (a USBKey), its user PIN (pass pin)."};
    case Status::Unsupported:
      return {reasons::unsupported, "The driver '" + driver + "' cannot do this on this card."};
    case Status::CardRemoved:
      return {reasons::token_removed,
              "The card was removed during the operation. Re-insert it and check "
              "its state."};
    case Status::BadArgs: {
      // The driver refused the caller's values before sending anything (a slot this card does
      // not have, a PUK longer than the card takes): a params error, no try spent.
      Failure failure{"", "Invalid params for this card: " +
                              (detail.empty() ? std::string(drivers::describe(status)) : detail) +
                              ". Nothing was sent to the card."};
      failure.code = ipc::kInvalidParams;
      return failure;
    }
    case Status::Timeout:
      return {reasons::timeout, "The card did not answer in time. Re-insert it and try again."};
    default: break;
  }
  return {reasons::driver_error,
          "The driver '" + driver + "' failed: " + (detail.empty() ? drivers::describe(status) : detail),
          {{"driver", driver}, {"detail", drivers::to_string(status)}}};
}

Failure from_outcome(const devices::JobOutcome& outcome) {
  std::string reason = devices::protocol_reason(outcome);
  if (reason.empty()) reason = reasons::driver_error;
  Failure failure{reason, outcome.message.empty() ? "The card operation did not complete." : outcome.message};
  if (reason == reasons::driver_error) failure.extra = {{"driver", ""}, {"detail", outcome.message}};
  return failure;
}

Failure from_submit(devices::SubmitResult result, const std::string& token) {
  if (result == devices::SubmitResult::busy)
    return {reasons::busy, "The card " + token + " is busy with other requests. Try again in a moment."};
  return {reasons::no_such_token, "There is no token '" + token +
                                      "'. List the tokens with tokens.list "
                                      "('eportctl tokens'); the card may have been removed."};
}

}  // namespace eport::cardops
