#pragma once
// SKF public-key blobs as SubjectPublicKeyInfo (DER), so that the host can compare a
// certificate's key with the key in a container.
#include "skf_session.hpp"

namespace eport::skf {

/// SubjectPublicKeyInfo of an ECCPUBLICKEYBLOB (132 bytes, BitLen 256: an SM2 point; X and Y
/// right-aligned as the standard's reference code writes them, or left-aligned as some vendors
/// do — told apart by which half is zero) or an RSAPUBLICKEYBLOB (268 bytes). Throws SkfError
/// CARD_ERROR for a blob that is neither or whose point is not on the curve.
Bytes spki_from_blob(const Bytes& blob);

}  // namespace eport::skf
