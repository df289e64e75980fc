#pragma once
/// Persistent state of the virtual PIV card and its atomic storage on disk.
#include <array>
#include <cstdint>
#include <ctime>
#include <map>
#include <string>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// A PIN or PUK: only a salted hash of the 8-byte padded value is kept, never the value.
struct Credential {
  /// SHA-256(salt || padded value) of the current value.
  Bytes hash;
  /// Hash of the value set at personalisation; equal to `hash` means "still the default".
  Bytes default_hash;
  /// Tries allowed before blocking.
  uint8_t max_tries = 3;
  /// Tries left; 0 = blocked.
  uint8_t remaining = 3;
};

/// An asymmetric key in a slot.
struct SlotKey {
  /// PIV algorithm identifier (07 RSA-2048, 11 P-256, ...).
  uint8_t algorithm = 0;
  /// PIN policy (piv::pin_policy), 00 = slot default.
  uint8_t pin_policy = 0;
  /// Touch policy as given by the client (kept for metadata; never enforced).
  uint8_t touch_policy = 0;
  /// piv::origin_generated or piv::origin_imported.
  uint8_t origin = 0;
  /// The private key as PKCS#8 DER.
  Bytes private_der;
};

/// Everything the card remembers across power cycles and restarts.
struct CardState {
  /// Card serial number (F8, and the source of the CHUID GUID).
  uint32_t serial = 0;
  /// Firmware version reported by FD.
  std::array<uint8_t, 3> version{5, 4, 3};
  /// Per-card salt for the PIN/PUK hashes.
  Bytes salt;
  /// The PIN (reference 80).
  Credential pin;
  /// The PUK (reference 81).
  Credential puk;
  /// Management key algorithm (piv::alg::tdes, aes128, aes192, aes256).
  uint8_t management_algorithm = 0x03;
  /// Management key bytes.
  Bytes management_key;
  /// Keys by slot (9A, 9C, 9D, 9E, 82-95).
  std::map<uint8_t, SlotKey> keys;
  /// Data objects by tag, stored exactly as GET DATA returns them (`53 L ...`).
  std::map<uint32_t, Bytes> objects;
  /// A plain SP 800-73-4 card without YubiKey's extensions: GET METADATA, GET SERIAL, GET
  /// VERSION, IMPORT KEY, SET MANAGEMENT KEY, SET PIN RETRIES and RESET answer 6D00, and
  /// SELECT of YubiKey's management AID 6A82. Its serial is known only from the CHUID.
  bool plain_piv = false;
};

/// Pads a PIN or PUK to 8 bytes with FF as PIV transmits it.
Bytes pad_pin(const std::string& pin);

/// The stored hash of a padded PIN/PUK value.
Bytes credential_hash(const Bytes& salt, const Bytes& padded);

/// A factory-fresh state: given PIN/PUK, default management key, CHUID/CCC objects, no keys.
CardState make_default_state(uint32_t serial, const std::string& pin, const std::string& puk,
                             const Bytes& salt, std::time_t now);

/// Builds the CHUID object (`53 L 30 FASC-N 34 GUID 35 expiry 3E 00 FE 00`); GUID from the serial.
Bytes make_chuid(uint32_t serial, std::time_t now);

/// Builds the CCC object with a card identifier derived from the serial.
Bytes make_ccc(uint32_t serial);

/// Reads a state file; throws std::runtime_error naming the file when unreadable or invalid.
CardState load_state(const std::string& path);

/// Writes the state atomically (temp file, fsync, rename) with mode 0600; throws on failure.
void save_state(const std::string& path, const CardState& state);

/// The state as JSON text (the state-file format).
std::string state_to_json(const CardState& state);

/// Parses state-file JSON; throws std::runtime_error when invalid.
CardState state_from_json(const std::string& text);

}  // namespace eport::vcard
