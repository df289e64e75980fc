#pragma once
// Builds keys and certificates in memory for the x509 tests (no files, no fixed fixtures).

#include <cstdint>
#include <string>
#include <vector>

#include "x509/openssl_handles.hpp"

namespace eport::x509::testing {

/// Key kinds the tests use.
enum class KeyKind { rsa2048, p256, p384, sm2, ed25519 };

/// A fresh key pair of `kind`.
EvpPkeyPtr make_key(KeyKind kind);

/// What to put in a test certificate.
struct CertSpec {
  /// Subject and issuer CN (UTF-8).
  std::string common_name = "eport test";
  /// Organisation (UTF-8); "" for none.
  std::string organisation;
  /// Validity as Unix seconds.
  std::int64_t not_before = 0;
  /// Validity as Unix seconds.
  std::int64_t not_after = 0;
  /// Serial number.
  long serial = 0x1234;
};

/// A self-signed certificate for `key` (SM2 keys signed with SM3, Ed25519 without a digest,
/// the rest with SHA-256).
X509Ptr make_cert(EVP_PKEY* key, const CertSpec& spec);

/// DER of a certificate.
std::vector<std::uint8_t> der_of(X509* cert);
/// PEM of a certificate.
std::string pem_of(X509* cert);
/// PEM (PKCS#8) of a private key.
std::string private_key_pem(EVP_PKEY* key);
/// DER (PKCS#8) of a private key.
std::vector<std::uint8_t> private_key_der(EVP_PKEY* key);
/// SubjectPublicKeyInfo DER of a key.
std::vector<std::uint8_t> spki_of(EVP_PKEY* key);

}  // namespace eport::x509::testing
