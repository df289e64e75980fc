#include "der.hpp"

#include <openssl/x509.h>

#include <memory>

namespace eport::pkcs11 {

namespace {

Bytes tlv(std::uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes length;
    for (std::size_t v = n; v != 0; v >>= 8)
      length.insert(length.begin(), static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>(0x80 | length.size()));
    out.insert(out.end(), length.begin(), length.end());
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes join(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes integer(Bytes value) {
  while (value.size() > 1 && value[0] == 0 && value[1] < 0x80) value.erase(value.begin());
  if (value.empty() || value[0] >= 0x80) value.insert(value.begin(), 0);
  return tlv(0x02, value);
}

Bytes bit_string(const Bytes& content) {
  Bytes bits{0};  // no unused bits
  bits.insert(bits.end(), content.begin(), content.end());
  return tlv(0x03, bits);
}

// The point inside a DER OCTET STRING, or the bytes as they are when they are not one.
Bytes unwrap_point(const Bytes& value) {
  if (value.size() < 3 || value[0] != 0x04) return value;
  std::size_t length = 0, at = 2;
  if (value[1] < 0x80) {
    length = value[1];
  } else {
    const std::size_t bytes = value[1] & 0x7f;
    if (bytes == 0 || bytes > 2 || value.size() < 2 + bytes) return value;
    for (std::size_t i = 0; i < bytes; ++i) length = length << 8 | value[2 + i];
    at = 2 + bytes;
  }
  if (at + length != value.size()) return value;
  const std::uint8_t form = value[at];
  if (form != 0x02 && form != 0x03 && form != 0x04) return value;
  return Bytes(value.begin() + static_cast<std::ptrdiff_t>(at), value.end());
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

Bytes name_der(const X509_NAME* name) {
  unsigned char* out = nullptr;
  const int n = i2d_X509_NAME(name, &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

}  // namespace

Bytes rsa_spki(const Bytes& modulus, const Bytes& exponent) {
  static const Bytes rsa_encryption{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
  const Bytes algorithm = tlv(0x30, join({rsa_encryption, Bytes{0x05, 0x00}}));
  const Bytes key = tlv(0x30, join({integer(modulus), integer(exponent)}));
  return tlv(0x30, join({algorithm, bit_string(key)}));
}

Bytes ec_spki(const Bytes& params, const Bytes& point) {
  static const Bytes ec_public_key{0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
  const Bytes algorithm = tlv(0x30, join({ec_public_key, params}));
  return tlv(0x30, join({algorithm, bit_string(unwrap_point(point))}));
}

std::optional<CertificateParts> certificate_parts(const Bytes& der) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509, Deleter<X509, X509_free>> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return std::nullopt;
  CertificateParts parts;
  parts.subject = name_der(X509_get_subject_name(cert.get()));
  parts.issuer = name_der(X509_get_issuer_name(cert.get()));
  unsigned char* serial = nullptr;
  const int n = i2d_ASN1_INTEGER(X509_get_serialNumber(cert.get()), &serial);
  if (n > 0) parts.serial.assign(serial, serial + n);
  OPENSSL_free(serial);
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0)
    parts.common_name = cn;
  return parts;
}

}  // namespace eport::pkcs11
