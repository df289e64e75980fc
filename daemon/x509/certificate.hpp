#pragma once
// One parsed X.509 certificate. The header is free of OpenSSL so that method handlers can use
// certificates without pulling OpenSSL in (OpenSSL stays behind daemon/x509).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eport/common/expected.hpp"

namespace eport::x509 {

class Certificate;

/// Why an input is not a certificate.
struct CertificateError {
  /// The protocol reason (always "cert_invalid").
  std::string reason;
  /// What was wrong and what to do, for error.message; never echoes key material.
  std::string message;
};

/// A parsed certificate, or why the input is not one.
using ParseOutcome = Expected<Certificate, CertificateError>;

/// An immutable X.509 certificate (DER kept alongside the parsed form).
class Certificate {
 public:
  /// Parses PEM ("BEGIN CERTIFICATE"; the first one when several), DER, or base64 of DER
  /// (whitespace allowed). Refuses private keys, trailing bytes after DER, and anything else.
  static ParseOutcome parse(std::string_view input);
  /// Parses exactly one DER certificate (as read from a card).
  static ParseOutcome from_der(const std::vector<std::uint8_t>& der);

  /// Copies share the immutable OpenSSL object (reference counted).
  Certificate(const Certificate& other);
  /// Copy assignment (shares the OpenSSL object).
  Certificate& operator=(const Certificate& other);
  /// Move.
  Certificate(Certificate&&) noexcept;
  /// Move assignment.
  Certificate& operator=(Certificate&&) noexcept;
  /// Frees the OpenSSL object when the last copy goes.
  ~Certificate();

  /// The certificate's DER encoding.
  const std::vector<std::uint8_t>& der() const;
  /// PEM text ("-----BEGIN CERTIFICATE-----" ... with a final newline).
  std::string pem() const;
  /// Base64 of the DER on one line (no newlines).
  std::string der_base64() const;
  /// The SubjectPublicKeyInfo, DER.
  std::vector<std::uint8_t> public_key_der() const;

  /// Opaque parsed form; defined in certificate.cpp (holds the OpenSSL X509).
  struct Impl;
  /// The parsed form, for the other files of daemon/x509.
  const Impl& impl() const { return *impl_; }

 private:
  explicit Certificate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eport::x509
