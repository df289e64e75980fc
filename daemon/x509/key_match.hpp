#pragma once
// Does a certificate belong to the key in a card slot?

#include <cstdint>
#include <vector>

#include "x509/certificate.hpp"

namespace eport::x509 {

/// The answer to "is this the certificate of that key?".
enum class KeyMatch {
  same_key,       ///< the certificate's public key equals the given key
  different_key,  ///< both parse, and they differ (-> cert_key_mismatch)
  unreadable_key  ///< the given SubjectPublicKeyInfo does not parse
};

/// Compares the certificate's public key with a SubjectPublicKeyInfo (DER), e.g. from the
/// driver's slot_public_key. Compares key material (EVP_PKEY_eq), not encodings.
KeyMatch match_public_key(const Certificate& cert, const std::vector<std::uint8_t>& spki_der);

}  // namespace eport::x509
