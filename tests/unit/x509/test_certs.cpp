#include "test_certs.hpp"

#include <stdexcept>

#include <openssl/pem.h>

namespace eport::x509::testing {

namespace {
void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}
}  // namespace

EvpPkeyPtr make_key(KeyKind kind) {
  switch (kind) {
    case KeyKind::rsa2048: return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    case KeyKind::p256: return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case KeyKind::p384: return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    case KeyKind::ed25519: return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    case KeyKind::sm2: {
      EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
      check(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1, "SM2 keygen init");
      EVP_PKEY* key = nullptr;
      check(EVP_PKEY_keygen(ctx.get(), &key) == 1, "SM2 keygen");
      return EvpPkeyPtr(key);
    }
  }
  return nullptr;
}

X509Ptr make_cert(EVP_PKEY* key, const CertSpec& spec) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
  check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before)) != nullptr,
        "notBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after)) != nullptr,
        "notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("CN"), -1, -1,
                             0);
  if (!spec.organisation.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.organisation.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  check(X509_set_pubkey(cert.get(), key) == 1, "set_pubkey");
  const EVP_MD* md = EVP_sha256();
  if (EVP_PKEY_is_a(key, "SM2")) md = EVP_sm3();
  if (EVP_PKEY_is_a(key, "ED25519")) md = nullptr;
  check(X509_sign(cert.get(), key, md) > 0, "X509_sign");
  return cert;
}

std::vector<std::uint8_t> der_of(X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  check(len > 0, "i2d_X509");
  std::vector<std::uint8_t> out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

std::string pem_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return bio_text(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return bio_text(bio.get());
}

std::vector<std::uint8_t> private_key_der(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  const int len = i2d_PrivateKey(key, &buf);
  check(len > 0, "i2d_PrivateKey");
  std::vector<std::uint8_t> out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

std::vector<std::uint8_t> spki_of(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  const int len = i2d_PUBKEY(key, &buf);
  check(len > 0, "i2d_PUBKEY");
  std::vector<std::uint8_t> out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

}  // namespace eport::x509::testing
