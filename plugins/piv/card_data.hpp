#pragma once
// Small PIV data objects the driver reads besides certificates: the CHUID (token serial),
// Key History (which retired slots exist) and YubiKey-style GET METADATA (F7) answers.

#include <cstdint>
#include <optional>
#include <string>

#include "bytes.hpp"

namespace eport::piv {

/// The token serial a CHUID object (`53 L {30 FASC-N}{34 GUID}{35 expiry}...`) gives: the GUID
/// as hex when present and not all zero, else the FASC-N as hex, else "" (malformed or empty).
std::string serial_from_chuid(const Bytes& object);

/// Key History (5FC10C): how many retired keys have certificates on the card.
struct KeyHistory {
  int on_card_certs = 0;   ///< keysWithOnCardCerts (C1): retired slots 82.. that hold a cert
  int off_card_certs = 0;  ///< keysWithOffCardCerts (C2): retired keys whose cert is elsewhere
};

/// Parse a Key History object (`53 L {C1 01 n}{C2 01 m}...`); counts above 20 are capped at 20
/// (there are only 20 retired slots). nullopt when malformed.
std::optional<KeyHistory> parse_key_history(const Bytes& object);

/// What GET METADATA (`00 F7 00 <ref> 00`) reports for a PIN, the PUK, the management key or a
/// slot. Fields the card did not send stay at -1 / empty.
struct Metadata {
  int algorithm = -1;      ///< tag 01: key algorithm (03 3DES, 08/0A/0C AES, 07 RSA-2048, 11 P-256 ...)
  int pin_policy = -1;     ///< tag 02 byte 1
  int touch_policy = -1;   ///< tag 02 byte 2
  int origin = -1;         ///< tag 03: 01 generated, 02 imported
  Bytes public_key;        ///< tag 04 value: RSA {81 n}{82 e}, EC {86 point}; empty when absent
  int is_default = -1;     ///< tag 05: 1 = still the default value, 0 = changed
  int retries_total = -1;  ///< tag 06 byte 1: tries after a reset
  int retries_left = -1;   ///< tag 06 byte 2: tries left now
};

/// Parse the data of a GET METADATA response (a flat TLV list). nullopt when malformed.
std::optional<Metadata> parse_metadata(const Bytes& data);

/// The token serial GET SERIAL (F8) gives: 4 bytes big-endian as 8 hex digits; "" when the
/// answer is not 4 bytes.
std::string serial_from_f8(const Bytes& data);

}  // namespace eport::piv
