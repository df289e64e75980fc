#pragma once
// PC/SC result codes: text for logs and users, and the classes the devices layer reacts to.

#include <cstdint>
#include <string>

namespace eport::devices {

/// A PC/SC result code (LONG in winscard.h), kept as int64 so callers need no PC/SC header.
using PcscCode = std::int64_t;

/// "SCARD_E_NO_SERVICE (0x8010001d): …" style text for a PC/SC code.
std::string pcsc_error_text(PcscCode code);

/// True when pcscd is not reachable any more (not running, stopped, socket gone): the watcher
/// then reports "pcsc down", drops everything and re-establishes a context with back-off.
bool pcsc_service_gone(PcscCode code);

/// True when the card left the reader (removed, or no card present).
bool pcsc_card_gone(PcscCode code);

/// True when someone reset the card (SCARD_W_RESET_CARD): SCardReconnect, then go on.
bool pcsc_card_reset(PcscCode code);

}  // namespace eport::devices
