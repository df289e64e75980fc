#pragma once
// Local preview of a certificate file before it is written: the daemon's own parser and summary
// (daemon/x509), so that eportctl shows a file exactly as eportd will describe it on the card.

#include <chrono>
#include <string>

#include "x509/certificate_summary.hpp"

namespace eport::client {

/// A certificate file read and summarised like PROTOCOL.md's Certificate.
struct CertificatePreview {
  x509::CertificateSummary summary;  ///< as eportd summarises it (slot and label empty)
  std::string pem;                   ///< the certificate as PEM, ready for cert.write
};

/// Reads a PEM, DER or base64-DER certificate from `path`; throws std::runtime_error saying why
/// when it is not one (eportd's cert_invalid message). `now` is injected so that days_left and
/// state are testable; the state uses eportd's default expiry.warn_days.
CertificatePreview preview_certificate_file(const std::string& path,
                                            std::chrono::system_clock::time_point now);

/// Same as preview_certificate_file, from the bytes of a file already read.
CertificatePreview preview_certificate(const std::string& bytes, std::chrono::system_clock::time_point now);

}  // namespace eport::client
