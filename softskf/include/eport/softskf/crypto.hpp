#pragma once
/// OpenSSL 3 work of the soft token: key pairs (SM2, RSA), SKF public-key blobs, certificates.
#include <ctime>
#include <string>

#include <eport/softskf/state.hpp>

namespace eport::softskf {

/// The SM2 distinguishing ID the GM/T standards use by default (OpenSSL 3.0 needs it set).
constexpr const char* kSm2DistinguishingId = "1234567812345678";

/// A new key pair: SM2 for KeyType::ecc, RSA of `rsa_bits` for KeyType::rsa; PKCS#8 DER.
/// Throws std::runtime_error when OpenSSL fails.
Bytes generate_private_key(KeyType type, int rsa_bits = 2048);

/// SubjectPublicKeyInfo (DER) of a PKCS#8 private key; throws std::runtime_error.
Bytes public_key_der(const Bytes& private_key);

/// The key's SKF public-key blob, packed as the standard lays it out: ECCPUBLICKEYBLOB
/// (132 bytes; BitLen 256, X and Y right-aligned in 64 bytes) for SM2, RSAPUBLICKEYBLOB
/// (268 bytes; AlgID SGD_RSA, BitLen, modulus right-aligned in 256 bytes, exponent in 4).
Bytes public_key_blob(const Bytes& private_key);

/// What a new certificate should say.
struct CertificateSpec {
  std::string subject;  ///< "/CN=a/O=b" or "CN=a,O=b"
  int days = 3650;      ///< valid `days` from now; negative: expired -days days ago
  bool signing = true;  ///< key usage of a signing key, else of an encryption key
  std::time_t now = 0;  ///< the clock
};

/// A self-signed X.509 v3 certificate for the key: SM2 keys sign with SM3 (distinguishing ID
/// set explicitly), RSA keys with SHA-256. notBefore = now - 1 h; with negative days notAfter is
/// in the past and notBefore a year before it. Returns DER; throws std::runtime_error.
Bytes make_certificate(const Bytes& private_key, const CertificateSpec& spec);

/// True when `der` is exactly one DER X.509 certificate.
bool is_certificate(const Bytes& der);

/// One line about a certificate: "subject=..., valid 2026-01-01 to 2036-01-01, key SM2".
std::string describe_certificate(const Bytes& der);

}  // namespace eport::softskf
