#include "cert_preview.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace eport::client {

namespace {

using nlohmann::json;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string iso_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string key_text(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return "unknown";
  if (EVP_PKEY_is_a(key, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "SM2")) return "SM2";
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    EVP_PKEY_get_group_name(key, group, sizeof group, &len);
    std::string g(group);
    if (g == "prime256v1" || g == "P-256") return "EC-P256";
    if (g == "secp384r1" || g == "P-384") return "EC-P384";
    if (g == "SM2") return "SM2";
    return "EC-" + g;
  }
  return EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown";
}

std::string hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

long days_between(const ASN1_TIME* from_now_to, std::time_t now) {
  int days = 0, secs = 0;
  ASN1_TIME* n = ASN1_TIME_set(nullptr, now);
  ASN1_TIME_diff(&days, &secs, n, from_now_to);
  ASN1_TIME_free(n);
  return days;
}

X509Ptr parse(const std::string& bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert) return cert;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  cert.reset(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
  return cert;
}

}  // namespace

CertificatePreview preview_certificate(const std::string& bytes, std::time_t now) {
  X509Ptr cert = parse(bytes);
  if (!cert) throw std::runtime_error("not an X.509 certificate (PEM or DER)");
  CertificatePreview p;
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert.get(), &der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(der, static_cast<size_t>(der_len), md, &md_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  long days_left = days_between(X509_get0_notAfter(cert.get()), now);
  bool started = X509_cmp_time(X509_get0_notBefore(cert.get()), &now) <= 0;
  bool ended = X509_cmp_time(X509_get0_notAfter(cert.get()), &now) < 0;
  p.summary = {{"subject", name_text(X509_get_subject_name(cert.get()))},
               {"issuer", name_text(X509_get_issuer_name(cert.get()))},
               {"serial", hex(serial->data, static_cast<size_t>(serial->length))},
               {"not_before", iso_time(X509_get0_notBefore(cert.get()))},
               {"not_after", iso_time(X509_get0_notAfter(cert.get()))},
               {"days_left", days_left},
               {"state", ended     ? "expired"
                         : started ? "valid"
                                   : "not_yet_valid"},
               {"key", key_text(cert.get())},
               {"sha256", hex(md, md_len)}};
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  p.pem.assign(data, static_cast<size_t>(len));
  return p;
}

CertificatePreview preview_certificate_file(const std::string& path, std::time_t now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return preview_certificate(ss.str(), now);
}

}  // namespace eport::client
