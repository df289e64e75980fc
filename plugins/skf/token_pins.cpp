// PIN operations of SkfToken: status (SKF_GetPINInfo, no try spent), reset with the admin PIN
// (SKF_UnblockPIN), change (SKF_ChangePIN), verify (SKF_VerifyPIN, only with the PIN the caller
// gave for that very call, then SKF_ClearSecureState). SKF_VerifyPIN is never used to learn anything.
#include <eport/driver.h>

#include "skf_error.hpp"
#include "token.hpp"

namespace eport::skf {

namespace {

abi::ULONG pin_type(std::uint32_t which) {
  if (which == EPORT_PIN_USER) return abi::USER_TYPE;
  if (which == EPORT_PIN_PUK) return abi::ADMIN_TYPE;
  throw SkfError(EPORT_ERR_BAD_ARGS, "unknown PIN kind " + std::to_string(which));
}

// The state of a PIN after a refused attempt: read again; when that fails, what the call said.
PinReport after_refusal(const Application& app, abi::ULONG type, abi::ULONG retry) {
  try {
    return report_of(app.pin_info(type));
  } catch (const SkfError&) {
    PinReport report;
    report.tries_left = static_cast<int>(retry);
    report.blocked = retry == 0 ? 1 : 0;
    return report;
  }
}

}  // namespace

void SkfToken::check_new_pin(std::size_t len) const {
  const auto& o = provider_.options();
  if (len < o.min_pin_length || len > o.max_pin_length)
    throw SkfError(EPORT_ERR_INVALID_PIN, "the new PIN must have " + std::to_string(o.min_pin_length) +
                                              " to " + std::to_string(o.max_pin_length) + " characters");
}

PinReport SkfToken::pin_status(std::uint32_t which) {
  const abi::ULONG type = pin_type(which);
  if (!entry_.library->lib->has(Feature::pin_status))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_GetPINInfo");
  auto device = connect();
  Application app(*device, application_of(*device));
  return report_of(app.pin_info(type));
}

int32_t SkfToken::pin_reset(const char* admin_pin, std::size_t admin_len, const char* new_pin,
                            std::size_t new_len, PinReport& out) {
  if (!entry_.library->lib->has(Feature::pin_reset))
    throw SkfError(EPORT_ERR_UNSUPPORTED,
                   "the library has no SKF_UnblockPIN, SKF_GetPINInfo or SKF_ClearSecureState");
  check_new_pin(new_len);
  SecretText admin(admin_pin, admin_len), fresh(new_pin, new_len);
  auto device = connect();
  DeviceLock lock(*device, provider_.options().lock_timeout_ms);
  Application app(*device, application_of(*device));
  SecureStateGuard clear(app);
  // The host asked pin_status(PUK) for its final-try guard; a locked admin PIN is refused here
  // again without any attempt.
  const auto admin_state = app.pin_info(abi::ADMIN_TYPE);
  if (admin_state.remaining == 0) {
    out = report_of(admin_state);
    return EPORT_ERR_PIN_BLOCKED;
  }
  abi::ULONG retry = 0;
  const abi::ULONG rv =
      entry_.library->lib->fn().unblock_pin(app.handle(), admin.c_str(), fresh.c_str(), &retry);
  if (rv == abi::SAR_OK) {
    out = report_of(app.pin_info(abi::USER_TYPE));
    return EPORT_OK;
  }
  if (rv == abi::SAR_PIN_INCORRECT || rv == abi::SAR_PIN_LOCKED) {
    out = after_refusal(app, abi::ADMIN_TYPE, retry);
    return rv == abi::SAR_PIN_LOCKED || out.tries_left == 0 ? EPORT_ERR_PIN_BLOCKED : EPORT_ERR_WRONG_PIN;
  }
  check(rv, "SKF_UnblockPIN");
  return EPORT_ERR_CARD_ERROR;
}

int32_t SkfToken::pin_change(std::uint32_t which, const char* old_pin, std::size_t old_len,
                             const char* new_pin, std::size_t new_len, PinReport& out) {
  const abi::ULONG type = pin_type(which);
  if (!entry_.library->lib->has(Feature::pin_change))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_ChangePIN or SKF_ClearSecureState");
  check_new_pin(new_len);
  SecretText old_text(old_pin, old_len), new_text(new_pin, new_len);
  auto device = connect();
  DeviceLock lock(*device, provider_.options().lock_timeout_ms);
  Application app(*device, application_of(*device));
  SecureStateGuard clear(app);
  abi::ULONG retry = 0;
  const abi::ULONG rv =
      entry_.library->lib->fn().change_pin(app.handle(), type, old_text.c_str(), new_text.c_str(), &retry);
  if (rv == abi::SAR_OK) {
    out = entry_.library->lib->fn().get_pin_info != nullptr ? report_of(app.pin_info(type)) : PinReport{};
    return EPORT_OK;
  }
  if (rv == abi::SAR_PIN_INCORRECT || rv == abi::SAR_PIN_LOCKED) {
    out = entry_.library->lib->fn().get_pin_info != nullptr ? after_refusal(app, type, retry) : PinReport{};
    if (entry_.library->lib->fn().get_pin_info == nullptr) out.tries_left = static_cast<int>(retry);
    return rv == abi::SAR_PIN_LOCKED || out.tries_left == 0 ? EPORT_ERR_PIN_BLOCKED : EPORT_ERR_WRONG_PIN;
  }
  check(rv, "SKF_ChangePIN");
  return EPORT_ERR_CARD_ERROR;
}

int32_t SkfToken::pin_verify(std::uint32_t which, const char* pin, std::size_t len, PinReport& out) {
  if (which != EPORT_PIN_USER) throw SkfError(EPORT_ERR_BAD_ARGS, "pin_verify: only the user PIN");
  const auto& fn = entry_.library->lib->fn();
  if (!entry_.library->lib->has(Feature::applications) || fn.verify_pin == nullptr ||
      fn.clear_secure_state == nullptr)
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_VerifyPIN or SKF_ClearSecureState");
  if (len == 0 || len > provider_.options().max_pin_length)
    throw SkfError(EPORT_ERR_BAD_ARGS, "the PIN is empty or longer than this USBKey accepts; not sent");
  SecretText text(pin, len);
  auto device = connect();
  DeviceLock lock(*device, provider_.options().lock_timeout_ms);
  Application app(*device, application_of(*device));
  SecureStateGuard clear(app);  // whatever happens below, nobody stays logged in
  abi::ULONG retry = 0;
  const abi::ULONG rv = fn.verify_pin(app.handle(), abi::USER_TYPE, text.c_str(), &retry);
  if (rv == abi::SAR_OK) {
    out = fn.get_pin_info != nullptr ? report_of(app.pin_info(abi::USER_TYPE)) : PinReport{};
    return EPORT_OK;
  }
  if (rv == abi::SAR_PIN_INCORRECT || rv == abi::SAR_PIN_LOCKED) {
    out = fn.get_pin_info != nullptr ? after_refusal(app, abi::USER_TYPE, retry) : PinReport{};
    if (fn.get_pin_info == nullptr) out.tries_left = static_cast<int>(retry);
    return rv == abi::SAR_PIN_LOCKED || out.tries_left == 0 ? EPORT_ERR_PIN_BLOCKED : EPORT_ERR_WRONG_PIN;
  }
  if (rv == abi::SAR_PIN_LEN_RANGE || rv == abi::SAR_PIN_INVALID)
    throw SkfError(EPORT_ERR_BAD_ARGS, "the USBKey refused the PIN's length; no try was spent");
  check(rv, "SKF_VerifyPIN");
  return EPORT_ERR_CARD_ERROR;
}

}  // namespace eport::skf
