// Access control: SKF_GetPINInfo, SKF_VerifyPIN, SKF_ChangePIN, SKF_UnblockPIN,
// SKF_ClearSecureState. Counters behave as the standard describes: a wrong PIN costs one try
// and reports the tries left; at 0 the PIN is locked (SAR_PIN_LOCKED) until the admin PIN
// unblocks it. A PIN of the wrong length is refused with SAR_PIN_LEN_RANGE and costs nothing.
#include <openssl/crypto.h>

#include "api_support.hpp"

using namespace eport::softskf;

namespace {

Pin* pin_of(Application& app, ULONG type) {
  if (type == USER_TYPE) return &app.user_pin;
  if (type == ADMIN_TYPE) return &app.admin_pin;
  return nullptr;
}

bool length_ok(const std::string& pin) { return pin.size() >= kMinPinLength && pin.size() <= kMaxPinLength; }

// Secret arguments: copied once, wiped when done.
struct Secret {
  std::optional<std::string> value;
  explicit Secret(const char* text) : value(c_string(text, 64)) {}
  ~Secret() {
    if (value && !value->empty()) OPENSSL_cleanse(value->data(), value->size());
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
};

/// Checks `value` against `pin`, counting a failure. Sets *retry to the tries left.
ULONG verify(DeviceCall& call, const DeviceState& state, Pin& pin, const std::string& value, ULONG* retry) {
  if (retry != nullptr) *retry = static_cast<ULONG>(pin.remaining);
  if (pin.remaining <= 0) return SAR_PIN_LOCKED;
  call.changed();
  if (same_hash(pin.hash, pin_hash(state.salt, value))) {
    pin.remaining = pin.max_tries;
    if (retry != nullptr) *retry = static_cast<ULONG>(pin.remaining);
    return SAR_OK;
  }
  --pin.remaining;
  if (retry != nullptr) *retry = static_cast<ULONG>(pin.remaining);
  return SAR_PIN_INCORRECT;
}

const char* role(ULONG type) { return type == ADMIN_TYPE ? "admin" : "user"; }

}  // namespace

extern "C" {

SOFTSKF_API ULONG SKF_GetPINInfo(HAPPLICATION hApplication, ULONG ulPINType, ULONG* pulMaxRetryCount,
                                 ULONG* pulRemainRetryCount, BOOL* pbDefaultPin) {
  return guarded([&]() -> ULONG {
    if (pulMaxRetryCount == nullptr || pulRemainRetryCount == nullptr || pbDefaultPin == nullptr)
      return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_GetPINInfo", [&](DeviceCall&, Application& app) -> ULONG {
      const Pin* pin = pin_of(app, ulPINType);
      if (pin == nullptr) return SAR_USER_TYPE_INVALID;
      *pulMaxRetryCount = static_cast<ULONG>(pin->max_tries);
      *pulRemainRetryCount = static_cast<ULONG>(pin->remaining);
      *pbDefaultPin = same_hash(pin->hash, pin->default_hash) ? 1 : 0;
      return SAR_OK;
    });
  });
}

SOFTSKF_API ULONG SKF_VerifyPIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szPIN,
                                ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    const Secret value(szPIN);
    if (!value.value) return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_VerifyPIN", [&](DeviceCall& call, Application& app) -> ULONG {
      Pin* pin = pin_of(app, ulPINType);
      if (pin == nullptr) return SAR_USER_TYPE_INVALID;
      if (!length_ok(*value.value)) return SAR_PIN_LEN_RANGE;
      const ULONG result = verify(call, call.state(), *pin, *value.value, pulRetryCount);
      if (result == SAR_OK) app.logged_in = role(ulPINType);
      return result;
    });
  });
}

SOFTSKF_API ULONG SKF_ChangePIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szOldPin, LPSTR szNewPin,
                                ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    const Secret old_pin(szOldPin), new_pin(szNewPin);
    if (!old_pin.value || !new_pin.value) return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_ChangePIN", [&](DeviceCall& call, Application& app) -> ULONG {
      Pin* pin = pin_of(app, ulPINType);
      if (pin == nullptr) return SAR_USER_TYPE_INVALID;
      if (!length_ok(*old_pin.value) || !length_ok(*new_pin.value)) return SAR_PIN_LEN_RANGE;
      const ULONG result = verify(call, call.state(), *pin, *old_pin.value, pulRetryCount);
      if (result != SAR_OK) return result;
      pin->hash = pin_hash(call.state().salt, *new_pin.value);
      app.logged_in = role(ulPINType);  // the old PIN was verified: that role is now logged in
      return SAR_OK;
    });
  });
}

SOFTSKF_API ULONG SKF_UnblockPIN(HAPPLICATION hApplication, LPSTR szAdminPIN, LPSTR szNewUserPIN,
                                 ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    const Secret admin_pin(szAdminPIN), new_pin(szNewUserPIN);
    if (!admin_pin.value || !new_pin.value) return SAR_INVALIDPARAMERR;
    return on_application(hApplication, "SKF_UnblockPIN", [&](DeviceCall& call, Application& app) -> ULONG {
      if (!length_ok(*admin_pin.value) || !length_ok(*new_pin.value)) return SAR_PIN_LEN_RANGE;
      const ULONG result = verify(call, call.state(), app.admin_pin, *admin_pin.value, pulRetryCount);
      if (result != SAR_OK) return result;
      app.user_pin.hash = pin_hash(call.state().salt, *new_pin.value);
      app.user_pin.remaining = app.user_pin.max_tries;
      app.logged_in = "admin";
      return SAR_OK;
    });
  });
}

SOFTSKF_API ULONG SKF_ClearSecureState(HAPPLICATION hApplication) {
  return guarded([&]() -> ULONG {
    return on_application(hApplication, "SKF_ClearSecureState", [&](DeviceCall& call, Application& app) {
      if (!app.logged_in.empty()) {
        app.logged_in.clear();
        call.changed();
      }
      return SAR_OK;
    });
  });
}

}  // extern "C"
