#include "devices/pcsc_error.hpp"

#include <cstdio>

#include <PCSC/pcsclite.h>
#include <PCSC/winscard.h>

namespace eport::devices {

std::string pcsc_error_text(PcscCode code) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lx", static_cast<unsigned long>(code) & 0xffffffffUL);
  return std::string(pcsc_stringify_error(static_cast<LONG>(code))) + " (" + hex + ")";
}

bool pcsc_service_gone(PcscCode code) {
  const auto c = static_cast<LONG>(code);
  return c == SCARD_E_NO_SERVICE || c == SCARD_E_SERVICE_STOPPED || c == SCARD_F_COMM_ERROR ||
         c == SCARD_E_INVALID_HANDLE;
}

bool pcsc_card_gone(PcscCode code) {
  const auto c = static_cast<LONG>(code);
  return c == SCARD_W_REMOVED_CARD || c == SCARD_E_NO_SMARTCARD || c == SCARD_E_READER_UNAVAILABLE ||
         c == SCARD_E_UNKNOWN_READER;
}

bool pcsc_card_reset(PcscCode code) { return static_cast<LONG>(code) == SCARD_W_RESET_CARD; }

}  // namespace eport::devices
