#pragma once
/// Personalisation: what `eport-vcard init` does, usable in-process by tests.
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <eport/vcard/card.hpp>
#include <eport/vcard/card_state.hpp>

namespace eport::vcard {

/// One `--cert SLOT:ALG:DAYS`: a key in a slot and a certificate for it.
struct CertificateRequest {
  /// Key slot (9A, 9C, 9D, 9E or retired 82-95).
  uint8_t slot = 0x9A;
  /// Key algorithm (piv::alg::rsa2048, p256, p384, ...).
  uint8_t algorithm = 0x11;
  /// Valid for `days` days from now; negative = expired -days days ago. Never 0.
  int days = 365;
};

/// Everything `eport-vcard init` can set.
struct PersonaliseOptions {
  /// Card serial; random 8-digit when absent.
  std::optional<uint32_t> serial;
  /// PIN, 6-8 characters; also the "default" the F7 metadata compares against.
  std::string pin = "88888888";
  /// PUK, 6-8 characters.
  std::string puk = "12345678";
  /// Management key algorithm (piv::alg::tdes, aes128, aes192, aes256).
  uint8_t management_algorithm = 0x03;
  /// Management key; empty = the default 3DES key 0102..08 x3.
  Bytes management_key;
  /// PIN tries (1-15).
  uint8_t pin_tries = 3;
  /// PUK tries (1-15).
  uint8_t puk_tries = 3;
  /// Keys and certificates to create.
  std::vector<CertificateRequest> certificates;
  /// Issuer private key (PEM); empty with an empty ca_cert_pem = self-signed certificates.
  std::string ca_key_pem;
  /// Issuer certificate (PEM).
  std::string ca_cert_pem;
  /// Subject DN, "/CN=a/O=b" or "CN=a,O=b"; empty = "CN=eport vcard <serial> <slot>".
  std::string subject;
  /// Store certificates gzip-compressed (CertInfo 01) as some issuers do.
  bool gzip_certificates = false;
  /// A plain PIV card without YubiKey's extensions (CardState::plain_piv).
  bool plain_piv = false;
};

/// Parses "9a:p256:365" into a request; throws std::invalid_argument with a usable message.
CertificateRequest parse_certificate_request(const std::string& text);

/// Builds a personalised card state; throws std::invalid_argument/std::runtime_error on bad input.
CardState personalise(const PersonaliseOptions& options, std::time_t now, const RandomSource& random = {});

/// The PIV certificate object `53 { 70 cert } { 71 info } { FE 00 }` for a DER certificate.
Bytes certificate_object(const Bytes& certificate_der, bool gzip);

/// Extracts the DER certificate from a certificate object (gunzips CertInfo 01); nullopt if none.
std::optional<Bytes> certificate_from_object(const Bytes& object);

}  // namespace eport::vcard
