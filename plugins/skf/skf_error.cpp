#include "skf_error.hpp"

#include <cstdio>

#include <eport/driver.h>

namespace eport::skf {

namespace abi {

const char* status_name(ULONG status) {
  switch (status) {
    case SAR_OK: return "SAR_OK";
    case SAR_FAIL: return "SAR_FAIL";
    case SAR_NOTSUPPORTYETERR: return "SAR_NOTSUPPORTYETERR";
    case SAR_INVALIDHANDLEERR: return "SAR_INVALIDHANDLEERR";
    case SAR_INVALIDPARAMERR: return "SAR_INVALIDPARAMERR";
    case SAR_TIMEOUTERR: return "SAR_TIMEOUTERR";
    case SAR_INDATALENERR: return "SAR_INDATALENERR";
    case SAR_INDATAERR: return "SAR_INDATAERR";
    case SAR_KEYNOTFOUNTERR: return "SAR_KEYNOTFOUNTERR";
    case SAR_CERTNOTFOUNTERR: return "SAR_CERTNOTFOUNTERR";
    case SAR_BUFFER_TOO_SMALL: return "SAR_BUFFER_TOO_SMALL";
    case SAR_DEVICE_REMOVED: return "SAR_DEVICE_REMOVED";
    case SAR_PIN_INCORRECT: return "SAR_PIN_INCORRECT";
    case SAR_PIN_LOCKED: return "SAR_PIN_LOCKED";
    case SAR_PIN_INVALID: return "SAR_PIN_INVALID";
    case SAR_PIN_LEN_RANGE: return "SAR_PIN_LEN_RANGE";
    case SAR_USER_TYPE_INVALID: return "SAR_USER_TYPE_INVALID";
    case SAR_USER_NOT_LOGGED_IN: return "SAR_USER_NOT_LOGGED_IN";
    case SAR_APPLICATION_NOT_EXISTS: return "SAR_APPLICATION_NOT_EXISTS";
    case SAR_FILE_NOT_EXIST: return "SAR_FILE_NOT_EXIST";
    default: break;
  }
  thread_local char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(status));
  return text;
}

}  // namespace abi

int32_t to_status(abi::ULONG rv) {
  switch (rv) {
    case abi::SAR_DEVICE_REMOVED:
    case abi::SAR_INVALIDHANDLEERR: return EPORT_ERR_CARD_REMOVED;
    case abi::SAR_PIN_INCORRECT: return EPORT_ERR_WRONG_PIN;
    case abi::SAR_PIN_LOCKED: return EPORT_ERR_PIN_BLOCKED;
    case abi::SAR_PIN_LEN_RANGE:
    case abi::SAR_PIN_INVALID: return EPORT_ERR_INVALID_PIN;
    case abi::SAR_TIMEOUTERR: return EPORT_ERR_TIMEOUT;
    case abi::SAR_NOTSUPPORTYETERR: return EPORT_ERR_UNSUPPORTED;
    case abi::SAR_CERTNOTFOUNTERR:
    case abi::SAR_KEYNOTFOUNTERR: return EPORT_ERR_NOT_FOUND;
    default: return EPORT_ERR_CARD_ERROR;
  }
}

void check(abi::ULONG rv, const char* function) {
  if (rv != abi::SAR_OK) throw SkfError(to_status(rv), std::string(function) + ": " + abi::status_name(rv));
}

}  // namespace eport::skf
