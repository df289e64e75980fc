#include "x509/certificate_summary.hpp"

#include <cctype>
#include <ctime>

#include <openssl/core_names.h>
#include <openssl/sha.h>

#include "eport/common/hex.hpp"
#include "x509/certificate_impl.hpp"

namespace eport::x509 {

namespace {

// RFC 2253 without escaping bytes >= 0x80, so Chinese names stay readable UTF-8.
std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string serial_hex(const X509* x) {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (!bn) return {};
  OpensslString hex(BN_bn2hex(bn.get()));
  std::string out = hex ? hex.get() : "";
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string ec_curve_name(const EVP_PKEY* pkey) {
  char group[64] = {0};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
    return "EC";
  const std::string g(group, len);
  if (g == "prime256v1" || g == "P-256") return "EC-P256";
  if (g == "secp384r1" || g == "P-384") return "EC-P384";
  if (g == "secp521r1" || g == "P-521") return "EC-P521";
  if (g == "SM2") return "SM2";
  return "EC-" + g;
}

std::string sha256_hex(const std::vector<std::uint8_t>& der) {
  std::vector<std::uint8_t> digest(SHA256_DIGEST_LENGTH);
  SHA256(der.data(), der.size(), digest.data());
  return to_hex(digest);
}

}  // namespace

std::string key_description(const Certificate& cert) {
  const EVP_PKEY* pkey = X509_get0_pubkey(cert.impl().x509.get());
  if (pkey == nullptr) return "unknown";
  if (EVP_PKEY_is_a(pkey, "SM2")) return "SM2";
  if (EVP_PKEY_is_a(pkey, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(pkey));
  if (EVP_PKEY_is_a(pkey, "RSA-PSS")) return "RSA-PSS-" + std::to_string(EVP_PKEY_get_bits(pkey));
  if (EVP_PKEY_is_a(pkey, "EC")) return ec_curve_name(pkey);
  if (EVP_PKEY_is_a(pkey, "ED25519")) return "Ed25519";
  if (EVP_PKEY_is_a(pkey, "ED448")) return "Ed448";
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return name != nullptr ? name : "unknown";
}

CertificateSummary summarise(const Certificate& cert, std::chrono::system_clock::time_point now,
                             const std::vector<int>& warn_days) {
  const X509* x = cert.impl().x509.get();
  CertificateSummary s;
  s.subject = name_text(X509_get_subject_name(x));
  s.issuer = name_text(X509_get_issuer_name(x));
  s.serial = serial_hex(x);
  s.not_before_unix = unix_time(X509_get0_notBefore(x));
  s.not_after_unix = unix_time(X509_get0_notAfter(x));
  s.not_before = format_utc(s.not_before_unix);
  s.not_after = format_utc(s.not_after_unix);
  const std::int64_t now_s = to_unix_seconds(now);
  s.days_left = days_left(s.not_after_unix, now_s);
  s.state = classify(s.not_before_unix, s.not_after_unix, now_s, warn_days);
  s.key = key_description(cert);
  s.sha256 = sha256_hex(cert.der());
  return s;
}

CertificateSummary summarise(const Certificate& cert, const Clock& clock, const std::vector<int>& warn_days) {
  return summarise(cert, clock(), warn_days);
}

nlohmann::json CertificateSummary::to_json() const {
  return nlohmann::json{{"slot", slot},
                        {"label", label},
                        {"subject", subject},
                        {"issuer", issuer},
                        {"serial", serial},
                        {"not_before", not_before},
                        {"not_after", not_after},
                        {"days_left", days_left},
                        {"state", to_string(state)},
                        {"key", key},
                        {"sha256", sha256}};
}

}  // namespace eport::x509
