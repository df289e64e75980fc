// Token: PIN and PUK status, reset, change and verify. Nothing here ever sends a PIN or PUK that
// the caller did not give for this very call, and nothing is retried. A reset, change or verify
// ends with VERIFY P1=FF: the card is never left PIN-verified.
#include <eport/driver.h>

#include "pin_codec.hpp"
#include "piv_error.hpp"
#include "status_words.hpp"
#include "token.hpp"

namespace eport::piv {

namespace {
uint8_t reference_for(uint32_t which) {
  if (which == EPORT_PIN_USER) return kRefPin;
  if (which == EPORT_PIN_PUK) return kRefPuk;
  throw PivError(EPORT_ERR_BAD_ARGS, "unknown PIN kind " + std::to_string(which));
}

/// The ABI result of a command that carried a PIN or PUK and was refused.
PinResult refused(uint16_t sw, const char* what) {
  PinResult result;
  result.figures = figures_from_attempt_sw(sw);
  if (sw == kSwBlocked) {
    result.status = EPORT_ERR_PIN_BLOCKED;
  } else if (tries_from_sw(sw) >= 0) {
    result.status = EPORT_ERR_WRONG_PIN;
  } else {
    throw PivError(status_for_sw(sw), std::string(what) + ": " + describe_sw(sw));
  }
  return result;
}
}  // namespace

PinFigures Token::read_pin_figures(PivCard& card, uint8_t ref) {
  // GET METADATA tells tries left, the maximum and the default flag in one APDU; the empty
  // VERIFY (PIN only) is the fallback for cards without it. The PUK has no such fallback: a
  // VERIFY of the PUK would spend a try, so its figures stay unknown.
  if (const auto meta = metadata_if_supported(card, ref)) return figures_from_metadata(*meta);
  if (ref != kRefPin) return PinFigures{};
  const uint16_t sw = card.verify_status();
  const PinFigures figures = figures_from_verify_sw(sw);
  if (figures.source == EPORT_SOURCE_NONE) {
    log_(EPORT_LOG_WARNING, "empty VERIFY answered " + describe_sw(sw) + ": PIN state unknown");
  }
  return figures;
}

void Token::clear_security(PivCard& card) {
  // A command that carried a PIN or PUK may leave the card PIN-verified (CHANGE REFERENCE DATA
  // does on most cards): any other program could then sign without the PIN. Drop it at once.
  const uint16_t sw = card.clear_pin_verification();
  if (sw != kSwOk) {
    log_(EPORT_LOG_WARNING, "the card refused VERIFY P1=FF (" + describe_sw(sw) +
                                "): it may stay PIN-verified until it is reset or removed");
  }
}

PinResult Token::pin_status(PivCard& card, uint32_t which) {
  const uint8_t ref = reference_for(which);
  PinResult result;
  if (ref == kRefPuk && metadata_supported_ == false) return result;  // unknown, no APDU needed
  select(card);
  result.figures = read_pin_figures(card, ref);
  return result;
}

PinResult Token::pin_reset(PivCard& card, const char* puk, size_t puk_len, const char* new_pin,
                           size_t new_pin_len) {
  PinResult result;
  if (!is_valid_new_pin(new_pin, new_pin_len)) {
    result.status = EPORT_ERR_INVALID_PIN;  // nothing sent
    return result;
  }
  if (!is_sendable_pin(puk, puk_len)) {
    throw PivError(EPORT_ERR_BAD_ARGS, "a PIV PUK is 1 to 8 characters: not sent to the card");
  }
  select(card);
  const uint16_t sw = card.reset_retry_counter(puk, puk_len, new_pin, new_pin_len);
  clear_security(card);
  if (sw != kSwOk) return refused(sw, "RESET RETRY COUNTER");
  result.figures = read_pin_figures(card, kRefPin);
  return result;
}

PinResult Token::pin_change(PivCard& card, uint32_t which, const char* old_pin, size_t old_len,
                            const char* new_pin, size_t new_len) {
  const uint8_t ref = reference_for(which);
  PinResult result;
  if (!is_valid_new_pin(new_pin, new_len)) {
    result.status = EPORT_ERR_INVALID_PIN;  // nothing sent
    return result;
  }
  if (!is_sendable_pin(old_pin, old_len)) {
    throw PivError(EPORT_ERR_BAD_ARGS, "a PIV PIN/PUK is 1 to 8 characters: not sent to the card");
  }
  select(card);
  const uint16_t sw = card.change_reference_data(ref, old_pin, old_len, new_pin, new_len);
  clear_security(card);
  if (sw != kSwOk) return refused(sw, "CHANGE REFERENCE DATA");
  result.figures = read_pin_figures(card, ref);
  return result;
}

PinResult Token::pin_verify(PivCard& card, uint32_t which, const char* pin, size_t pin_len) {
  if (which != EPORT_PIN_USER) throw PivError(EPORT_ERR_BAD_ARGS, "pin_verify: only the user PIN");
  if (!is_sendable_pin(pin, pin_len)) {
    throw PivError(EPORT_ERR_BAD_ARGS, "a PIV PIN is 1 to 8 characters: not sent to the card");
  }
  card.require_select();
  const uint16_t sw = card.verify_pin(pin, pin_len);
  clear_security(card);
  if (sw != kSwOk) return refused(sw, "VERIFY");
  PinResult result;
  result.figures = read_pin_figures(card, kRefPin);
  return result;
}

}  // namespace eport::piv
