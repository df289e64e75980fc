// PINs from PKCS#11 token flags: the state without a count (no try is ever spent to learn it),
// pin.reset with the SO PIN, pin.change, pin.verify. Every login ends with C_Logout (Session).
#include "driver.hpp"

namespace eport::pkcs11 {

namespace {

struct PinFlags {
  CK_FLAGS locked, final_try, low, to_be_changed;
};

PinFlags flags_of(uint32_t which) {
  if (which == EPORT_PIN_USER)
    return {CKF_USER_PIN_LOCKED, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_TO_BE_CHANGED};
  return {CKF_SO_PIN_LOCKED, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_TO_BE_CHANGED};
}

bool sane_length(CK_ULONG value) { return value != CK_UNAVAILABLE_INFORMATION && value <= 4096; }

CK_ULONG max_length(const CK_TOKEN_INFO& info) {
  return sane_length(info.ulMaxPinLen) ? info.ulMaxPinLen : 4096;
}
CK_ULONG min_length(const CK_TOKEN_INFO& info) {
  return sane_length(info.ulMinPinLen) ? info.ulMinPinLen : 0;
}

// The PIN's state now (the flags changed with the attempt).
void state_after(Module::Use& use, const TokenSeen& seen, uint32_t which, eport_pin_info* out) {
  CK_TOKEN_INFO info{};
  if (use->C_GetTokenInfo(seen.slot, &info) == CKR_OK) pin_state(info, which, out);
}

// The answer to a failed C_Login: the PIN's state, and the status for it.
int32_t refused(Module::Use& use, const TokenSeen& seen, uint32_t which, CK_RV rv, eport_pin_info* out) {
  state_after(use, seen, which, out);
  if (rv == CKR_PIN_LEN_RANGE) return EPORT_ERR_BAD_ARGS;  // longer/shorter than the token takes
  if (rv == CKR_PIN_INCORRECT) return EPORT_ERR_WRONG_PIN;
  if (rv == CKR_PIN_LOCKED) return EPORT_ERR_PIN_BLOCKED;
  check(rv, "C_Login");
  return EPORT_ERR_CARD_ERROR;
}

CK_UTF8CHAR_PTR utf8(const char* text) { return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(text)); }

}  // namespace

void pin_state(const CK_TOKEN_INFO& info, uint32_t which, eport_pin_info* out) {
  const PinFlags f = flags_of(which);
  const CK_FLAGS flags = info.flags;
  if (sane_length(info.ulMinPinLen)) out->min_length = static_cast<int32_t>(info.ulMinPinLen);
  if (sane_length(info.ulMaxPinLen)) out->max_length = static_cast<int32_t>(info.ulMaxPinLen);
  // Many modules never flag the SO PIN (OpenSC's PIV emulation, whose PUK may be down to its
  // last try): for it, no flag says nothing, and nothing is claimed.
  if (which == EPORT_PIN_PUK && (flags & (f.locked | f.final_try | f.low | f.to_be_changed)) == 0) return;
  out->blocked = (flags & f.locked) != 0 ? 1 : 0;
  if ((flags & f.to_be_changed) != 0) out->is_default = 1;
  out->source = EPORT_SOURCE_PKCS11_FLAGS;
  if (!covers(out, &eport_pin_info::state)) return;  // a 1.0 host: blocked is all it can show
  if (which == EPORT_PIN_USER && (flags & CKF_USER_PIN_INITIALIZED) == 0) return;  // no user PIN yet
  out->state = (flags & f.locked) != 0      ? EPORT_PIN_STATE_BLOCKED
               : (flags & f.final_try) != 0 ? EPORT_PIN_STATE_FINAL_TRY
               : (flags & f.low) != 0       ? EPORT_PIN_STATE_LOW
                                            : EPORT_PIN_STATE_OK;
}

int32_t reset_pin(Module::Use& use, const TokenSeen& seen, const char* puk, size_t puk_len, const char* pin,
                  size_t pin_len, eport_pin_info* out) {
  const CK_TOKEN_INFO& info = seen.info;
  if (pin_len < min_length(info) || pin_len > max_length(info)) return EPORT_ERR_INVALID_PIN;  // nothing sent
  if (puk_len == 0 || puk_len > max_length(info)) return EPORT_ERR_BAD_ARGS;
  if ((info.flags & CKF_SO_PIN_LOCKED) != 0) {
    pin_state(info, EPORT_PIN_PUK, out);
    return EPORT_ERR_PIN_BLOCKED;
  }
  {
    Session session(use, seen.slot, true);
    const CK_RV rv = session.login(CKU_SO, puk, puk_len);
    if (rv != CKR_OK) return refused(use, seen, EPORT_PIN_PUK, rv, out);
    const CK_RV init = use->C_InitPIN(session.handle(), utf8(pin), static_cast<CK_ULONG>(pin_len));
    if (init == CKR_PIN_INVALID || init == CKR_PIN_LEN_RANGE) return EPORT_ERR_INVALID_PIN;
    check(init, "C_InitPIN");
  }  // C_Logout, C_CloseSession
  state_after(use, seen, EPORT_PIN_USER, out);
  return EPORT_OK;
}

int32_t change_pin(Module::Use& use, const TokenSeen& seen, uint32_t which, const char* old_pin,
                   size_t old_len, const char* new_pin, size_t new_len, eport_pin_info* out) {
  if (which != EPORT_PIN_USER && which != EPORT_PIN_PUK) return EPORT_ERR_BAD_ARGS;
  const CK_TOKEN_INFO& info = seen.info;
  if (new_len < min_length(info) || new_len > max_length(info)) return EPORT_ERR_INVALID_PIN;
  if (old_len == 0 || old_len > max_length(info)) return EPORT_ERR_BAD_ARGS;
  if ((info.flags & flags_of(which).locked) != 0) {
    pin_state(info, which, out);
    return EPORT_ERR_PIN_BLOCKED;
  }
  {
    Session session(use, seen.slot, true);
    const CK_RV rv = session.login(which == EPORT_PIN_USER ? CKU_USER : CKU_SO, old_pin, old_len);
    if (rv != CKR_OK) return refused(use, seen, which, rv, out);
    const CK_RV set = use->C_SetPIN(session.handle(), utf8(old_pin), static_cast<CK_ULONG>(old_len),
                                    utf8(new_pin), static_cast<CK_ULONG>(new_len));
    if (set == CKR_PIN_INVALID || set == CKR_PIN_LEN_RANGE) return EPORT_ERR_INVALID_PIN;
    check(set, "C_SetPIN");
  }
  state_after(use, seen, which, out);
  return EPORT_OK;
}

int32_t verify_pin(Module::Use& use, const TokenSeen& seen, uint32_t which, const char* pin, size_t pin_len,
                   eport_pin_info* out) {
  if (which != EPORT_PIN_USER) return EPORT_ERR_BAD_ARGS;
  const CK_TOKEN_INFO& info = seen.info;
  if (pin_len == 0 || pin_len > max_length(info)) return EPORT_ERR_BAD_ARGS;  // nothing sent
  if ((info.flags & CKF_USER_PIN_LOCKED) != 0) {
    pin_state(info, which, out);
    return EPORT_ERR_PIN_BLOCKED;
  }
  {
    Session session(use, seen.slot, false);
    const CK_RV rv = session.login(CKU_USER, pin, pin_len);
    if (rv != CKR_OK) return refused(use, seen, which, rv, out);
  }  // C_Logout, C_CloseSession: the token is not left logged in
  state_after(use, seen, which, out);
  return EPORT_OK;
}

}  // namespace eport::pkcs11
