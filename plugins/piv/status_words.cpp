#include "status_words.hpp"

#include <cstdio>

#include <eport/driver.h>

namespace eport::piv {

int tries_from_sw(uint16_t sw) {
  if ((sw & 0xFFF0) == 0x63C0) return sw & 0x0F;
  if (sw == kSwBlocked) return 0;
  return -1;
}

bool is_unsupported_sw(uint16_t sw) {
  return sw == 0x6D00 || sw == 0x6E00 || sw == 0x6A81 || sw == 0x6A86 || sw == 0x6B00;
}

int32_t status_for_sw(uint16_t sw) {
  if (sw == kSwOk) return EPORT_OK;
  if (sw == kSwNotFound) return EPORT_ERR_NOT_FOUND;
  if ((sw & 0xFFF0) == 0x63C0) return EPORT_ERR_WRONG_PIN;
  if (sw == kSwBlocked) return EPORT_ERR_PIN_BLOCKED;
  if (is_unsupported_sw(sw)) return EPORT_ERR_UNSUPPORTED;
  return EPORT_ERR_CARD_ERROR;
}

namespace {
const char* meaning(uint16_t sw) {
  if ((sw & 0xFFF0) == 0x63C0) return "wrong PIN, tries left in SW2";
  switch (sw) {
    case 0x9000: return "ok";
    case 0x6700: return "wrong length";
    case 0x6982: return "security status not satisfied";
    case 0x6983: return "blocked";
    case 0x6985: return "conditions of use not satisfied";
    case 0x6A80: return "incorrect data";
    case 0x6A81: return "function not supported";
    case 0x6A82: return "not found";
    case 0x6A84: return "not enough memory";
    case 0x6A86: return "wrong P1/P2";
    case 0x6B00: return "wrong parameters";
    case 0x6D00: return "instruction not supported";
    case 0x6E00: return "class not supported";
    default: return "unexpected";
  }
}
}  // namespace

std::string describe_sw(uint16_t sw) {
  char text[8];
  std::snprintf(text, sizeof text, "%04x", sw);
  return std::string(text) + " (" + meaning(sw) + ")";
}

}  // namespace eport::piv
