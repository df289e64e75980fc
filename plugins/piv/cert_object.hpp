#pragma once
// PIV certificate objects (SP 800-73-4 part 1, table 10 ff.):
//   53 L { 70 L <certificate> } { 71 01 <CertInfo> } { FE 00 }
// CertInfo bit 0 set = the certificate is gzip-compressed; it is inflated with a bounded output.

#include <cstddef>
#include <cstdint>

#include "bytes.hpp"

namespace eport::piv {

/// Largest certificate the driver inflates or accepts (a PIV object holds a few KB at most).
constexpr size_t kMaxCertificate = 60 * 1024;  // also keeps the 53 object under 0xFFFF

/// A certificate taken out of its container.
struct CertificateObject {
  Bytes der;                ///< the certificate, DER, uncompressed
  bool compressed = false;  ///< it was stored gzip-compressed (CertInfo 01)
};

/// Parse the value GET DATA returned (`53 L ...`). Throws PivError: NOT_FOUND when the object is
/// empty (`53 00`, or no 70 content), CARD_ERROR when it is malformed or does not inflate.
CertificateObject parse_certificate_object(const Bytes& object);

/// Build the object to store: `53 L {70 L der} {71 01 00} {FE 00}` (uncompressed).
Bytes build_certificate_object(const Bytes& der);

/// Inflate gzip or zlib data into at most `limit` bytes. Throws PivError CARD_ERROR when the
/// data is corrupt, truncated or would inflate beyond `limit`.
Bytes inflate_bounded(const uint8_t* data, size_t len, size_t limit);

}  // namespace eport::piv
