#include <eport/vcard/piv.hpp>

#include <algorithm>
#include <cctype>

namespace eport::vcard::piv {

const Bytes& piv_aid() {
  static const Bytes aid{0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};
  return aid;
}

const Bytes& ykcs11_aid() {
  static const Bytes aid{0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17};
  return aid;
}

const Bytes& default_management_key() {
  static const Bytes key{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
  return key;
}

bool is_rsa(uint8_t algorithm) {
  return algorithm == alg::rsa1024 || algorithm == alg::rsa2048 || algorithm == alg::rsa3072;
}

bool is_ec(uint8_t algorithm) { return algorithm == alg::p256 || algorithm == alg::p384; }

int rsa_bits(uint8_t algorithm) {
  switch (algorithm) {
    case alg::rsa1024: return 1024;
    case alg::rsa2048: return 2048;
    case alg::rsa3072: return 3072;
    default: return 0;
  }
}

std::size_t management_key_length(uint8_t algorithm) {
  switch (algorithm) {
    case alg::tdes: return 24;
    case alg::aes128: return 16;
    case alg::aes192: return 24;
    case alg::aes256: return 32;
    default: return 0;
  }
}

std::size_t management_block_size(uint8_t algorithm) { return algorithm == alg::tdes ? 8 : 16; }

bool is_key_slot(uint8_t slot) {
  return slot == 0x9A || slot == 0x9C || slot == 0x9D || slot == 0x9E || (slot >= 0x82 && slot <= 0x95);
}

std::optional<uint32_t> certificate_tag(uint8_t slot) {
  switch (slot) {
    case 0x9A: return 0x5FC105;
    case 0x9C: return 0x5FC10A;
    case 0x9D: return 0x5FC10B;
    case 0x9E: return 0x5FC101;
    default:
      if (slot >= 0x82 && slot <= 0x95) return 0x5FC10D + (slot - 0x82);
      return std::nullopt;
  }
}

uint8_t default_pin_policy(uint8_t slot) {
  if (slot == 0x9E) return pin_policy::never;
  if (slot == 0x9C) return pin_policy::always;
  return pin_policy::once;
}

bool is_pin_protected_object(uint32_t tag) {
  // Biometrics, facial image, printed information, iris (SP 800-73-4 table 3).
  return tag == 0x5FC103 || tag == 0x5FC108 || tag == 0x5FC109 || tag == 0x5FC121;
}

std::optional<uint8_t> parse_slot(const std::string& text) {
  std::string t = text;
  if (t.rfind("0x", 0) == 0 || t.rfind("0X", 0) == 0) t = t.substr(2);
  if (t.size() != 2 || !std::isxdigit(static_cast<unsigned char>(t[0])) ||
      !std::isxdigit(static_cast<unsigned char>(t[1]))) {
    return std::nullopt;
  }
  auto slot = static_cast<uint8_t>(std::stoul(t, nullptr, 16));
  if (!is_key_slot(slot)) return std::nullopt;
  return slot;
}

std::optional<uint8_t> parse_algorithm(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "rsa1024") return alg::rsa1024;
  if (t == "rsa2048") return alg::rsa2048;
  if (t == "rsa3072") return alg::rsa3072;
  if (t == "p256" || t == "eccp256") return alg::p256;
  if (t == "p384" || t == "eccp384") return alg::p384;
  return std::nullopt;
}

std::string algorithm_name(uint8_t algorithm) {
  switch (algorithm) {
    case alg::tdes: return "3DES";
    case alg::aes128: return "AES-128";
    case alg::aes192: return "AES-192";
    case alg::aes256: return "AES-256";
    case alg::rsa1024: return "RSA-1024";
    case alg::rsa2048: return "RSA-2048";
    case alg::rsa3072: return "RSA-3072";
    case alg::p256: return "ECC P-256";
    case alg::p384: return "ECC P-384";
    default: return "unknown";
  }
}

}  // namespace eport::vcard::piv
