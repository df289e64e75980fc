#pragma once
/// PIV constants: algorithm identifiers, key references, object tags, defaults.
#include <cstdint>
#include <optional>
#include <string>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard::piv {

/// Algorithm identifiers used in P1 of GENERAL AUTHENTICATE, in GENERATE and in metadata.
namespace alg {
constexpr uint8_t tdes = 0x03;     ///< 3DES (management key)
constexpr uint8_t aes128 = 0x08;   ///< AES-128 (management key)
constexpr uint8_t aes192 = 0x0A;   ///< AES-192 (management key)
constexpr uint8_t aes256 = 0x0C;   ///< AES-256 (management key)
constexpr uint8_t rsa1024 = 0x06;  ///< RSA-1024
constexpr uint8_t rsa2048 = 0x07;  ///< RSA-2048
constexpr uint8_t rsa3072 = 0x05;  ///< RSA-3072
constexpr uint8_t p256 = 0x11;     ///< ECC P-256
constexpr uint8_t p384 = 0x14;     ///< ECC P-384
constexpr uint8_t pin = 0xFF;      ///< PIN/PUK pseudo-algorithm in metadata
}  // namespace alg

/// Key references.
constexpr uint8_t ref_pin = 0x80;             ///< PIV card application PIN
constexpr uint8_t ref_puk = 0x81;             ///< PIN unblocking key
constexpr uint8_t ref_management_key = 0x9B;  ///< card management key

/// PIN policies (YubiKey numbering).
namespace pin_policy {
constexpr uint8_t default_policy = 0x00;  ///< slot default
constexpr uint8_t never = 0x01;           ///< no PIN needed
constexpr uint8_t once = 0x02;            ///< PIN once per session
constexpr uint8_t always = 0x03;          ///< PIN before every use
}  // namespace pin_policy

/// Key origins in metadata.
constexpr uint8_t origin_generated = 0x01;  ///< generated on the card
constexpr uint8_t origin_imported = 0x02;   ///< imported with FE

/// Full PIV application identifier (NIST SP 800-73-4).
const Bytes& piv_aid();
/// The AID ykcs11 selects before talking PIV; answered with 9000.
const Bytes& ykcs11_aid();
/// The YubiKey-style default 3DES management key 0102..08 x3.
const Bytes& default_management_key();

/// True for RSA algorithm identifiers.
bool is_rsa(uint8_t algorithm);
/// True for EC algorithm identifiers.
bool is_ec(uint8_t algorithm);
/// RSA modulus bits for an RSA identifier (0 otherwise).
int rsa_bits(uint8_t algorithm);
/// Key length in bytes for a management-key algorithm (0 when not one).
std::size_t management_key_length(uint8_t algorithm);
/// Cipher block size for a management-key algorithm (8 for 3DES, 16 for AES).
std::size_t management_block_size(uint8_t algorithm);

/// True for slots that hold an asymmetric key: 9A, 9C, 9D, 9E and retired 82-95.
bool is_key_slot(uint8_t slot);
/// The certificate object tag of a key slot (5FC105 for 9A, ...), nullopt otherwise.
std::optional<uint32_t> certificate_tag(uint8_t slot);
/// The PIN policy a slot applies when the key was stored with policy "default".
uint8_t default_pin_policy(uint8_t slot);
/// True for data objects that may only be read after PIN verification.
bool is_pin_protected_object(uint32_t tag);

/// Parses "9a"/"9A"/"0x9a" into a slot byte; nullopt if not a key slot.
std::optional<uint8_t> parse_slot(const std::string& text);
/// Parses "rsa2048", "rsa1024", "rsa3072", "p256", "p384" into an algorithm identifier.
std::optional<uint8_t> parse_algorithm(const std::string& text);
/// Human name of an algorithm identifier ("RSA-2048", "ECC P-256", "3DES", ...).
std::string algorithm_name(uint8_t algorithm);

}  // namespace eport::vcard::piv
