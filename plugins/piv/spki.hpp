#pragma once
// SubjectPublicKeyInfo (DER) of a slot's key: built from GET METADATA's public key TLVs, or taken
// from a certificate. OpenSSL does the ASN.1.

#include "bytes.hpp"

namespace eport::piv {

/// The SPKI for a PIV public key object as GET METADATA tag 04 gives it: RSA `{81 n}{82 e}`
/// (algorithms 05, 06, 07, 16) or EC `{86 point}` (11 = P-256, 14 = P-384). Empty when the
/// algorithm is not one of these (the caller then falls back to the certificate); throws
/// PivError CARD_ERROR when the key data is malformed.
Bytes spki_from_metadata(int algorithm, const Bytes& public_key);

/// The SPKI of the certificate `der`; throws PivError CARD_ERROR when it does not parse.
Bytes spki_from_certificate(const Bytes& der);

}  // namespace eport::piv
