#pragma once
// The parsed form behind Certificate; only daemon/x509 sources include this.

#include <cstdint>
#include <vector>

#include "x509/certificate.hpp"
#include "x509/openssl_handles.hpp"

namespace eport::x509 {

/// The OpenSSL certificate and its DER.
struct Certificate::Impl {
  /// The parsed certificate (never null).
  X509Ptr x509;
  /// Its DER encoding, as X509 re-encodes it.
  std::vector<std::uint8_t> der;
};

}  // namespace eport::x509
