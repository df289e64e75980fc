#pragma once
// Local preview of a certificate file (before it is written), parsed with OpenSSL.

#include <nlohmann/json.hpp>

#include <ctime>
#include <string>

namespace eport::client {

/// A certificate file read and summarised like PROTOCOL.md's Certificate object.
struct CertificatePreview {
  nlohmann::json summary;  ///< subject, issuer, serial, not_before, not_after, days_left, state, key, sha256
  std::string pem;         ///< the certificate as PEM, ready for cert.write
};

/// Reads a PEM or DER certificate from `path`; throws std::runtime_error when it is not one.
/// `now` is injected so that days_left is testable.
CertificatePreview preview_certificate_file(const std::string& path, std::time_t now);

/// Same as preview_certificate_file, from the bytes of a file already read.
CertificatePreview preview_certificate(const std::string& bytes, std::time_t now);

}  // namespace eport::client
