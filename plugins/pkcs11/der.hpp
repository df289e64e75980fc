#pragma once
// The little DER the plug-in needs: SubjectPublicKeyInfo from a PKCS#11 public key's parts, and
// the parts of a certificate a certificate object carries (subject, issuer, serial, name).

#include <optional>
#include <string>

#include "session.hpp"

namespace eport::pkcs11 {

/// SubjectPublicKeyInfo of an RSA key (CKA_MODULUS, CKA_PUBLIC_EXPONENT, unsigned big-endian).
Bytes rsa_spki(const Bytes& modulus, const Bytes& exponent);

/// SubjectPublicKeyInfo of an EC key (CKA_EC_PARAMS as DER, CKA_EC_POINT as a DER OCTET STRING
/// or — some modules — the raw point). SM2 keys are EC keys on the SM2 curve.
Bytes ec_spki(const Bytes& params, const Bytes& point);

/// What a certificate object repeats of its certificate.
struct CertificateParts {
  Bytes subject;            ///< DER Name
  Bytes issuer;             ///< DER Name
  Bytes serial;             ///< DER INTEGER
  std::string common_name;  ///< the subject's CN ("" when none)
};

/// The parts of a DER certificate; nullopt when it does not parse.
std::optional<CertificateParts> certificate_parts(const Bytes& der);

}  // namespace eport::pkcs11
