// eport-vcard init: a card state with keys and X.509 certificates.
#include <eport/vcard/personalise.hpp>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

#include "hex.hpp"
#include "ossl.hpp"

namespace eport::vcard {

namespace {

constexpr long kDay = 24L * 3600;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct NameFree {
  void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
using Name = std::unique_ptr<X509_NAME, NameFree>;

ossl::Pkey pkey_from_der(const Bytes& der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr) ossl::fail("cannot parse a generated key");
  return ossl::Pkey(key);
}

Name parse_dn(const std::string& dn) {
  Name name(X509_NAME_new());
  char sep = !dn.empty() && dn[0] == '/' ? '/' : ',';
  std::size_t pos = dn[0] == '/' ? 1 : 0;
  while (pos <= dn.size()) {
    std::size_t end = dn.find(sep, pos);
    if (end == std::string::npos) end = dn.size();
    std::string part = dn.substr(pos, end - pos);
    pos = end + 1;
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument("--subject: '" + part + "' is not NAME=value (e.g. /CN=Alice/O=Example)");
    }
    std::string field = part.substr(0, eq), value = part.substr(eq + 1);
    if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1) {
      ERR_clear_error();
      throw std::invalid_argument("--subject: unknown attribute '" + field + "'");
    }
  }
  return name;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) ossl::fail("cannot build a certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

const char* key_usage(uint8_t slot, uint8_t algorithm) {
  if (slot == 0x9C) return "critical,digitalSignature,nonRepudiation";
  if (slot == 0x9D) return piv::is_ec(algorithm) ? "critical,keyAgreement" : "critical,keyEncipherment";
  return "critical,digitalSignature";
}

struct Issuer {
  ossl::Pkey key;
  ossl::X509Ptr cert;
};

Issuer load_issuer(const PersonaliseOptions& o) {
  Issuer issuer;
  if (o.ca_key_pem.empty() && o.ca_cert_pem.empty()) return issuer;
  if (o.ca_key_pem.empty() || o.ca_cert_pem.empty()) {
    throw std::invalid_argument("--ca-key and --ca-cert go together: give both or neither");
  }
  Bio kb(BIO_new_mem_buf(o.ca_key_pem.data(), static_cast<int>(o.ca_key_pem.size())));
  issuer.key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  Bio cb(BIO_new_mem_buf(o.ca_cert_pem.data(), static_cast<int>(o.ca_cert_pem.size())));
  issuer.cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!issuer.key) ossl::fail("--ca-key: not a PEM private key (unencrypted)");
  if (!issuer.cert) ossl::fail("--ca-cert: not a PEM certificate");
  if (X509_check_private_key(issuer.cert.get(), issuer.key.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("--ca-key does not belong to --ca-cert");
  }
  return issuer;
}

Bytes make_certificate(const Bytes& key_der, const CertificateRequest& req, const std::string& subject,
                       const Issuer& issuer, std::time_t now, const RandomSource& random) {
  auto key = pkey_from_der(key_der);
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  Bytes serial(16);
  random(serial.data(), serial.size());
  serial[0] &= 0x7F;  // positive INTEGER
  ossl::Bn bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  std::time_t not_after = now + static_cast<std::time_t>(req.days) * kDay;
  std::time_t not_before = req.days > 0 ? now - 3600 : not_after - 365 * kDay;
  X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &not_before);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, 0, &not_after);
  Name name = parse_dn(subject);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), issuer.cert ? X509_get_subject_name(issuer.cert.get()) : name.get());
  X509_set_pubkey(cert.get(), key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer.cert ? issuer.cert.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), &ctx, NID_key_usage, key_usage(req.slot, req.algorithm));
  add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (req.slot == 0x9A) add_extension(cert.get(), &ctx, NID_ext_key_usage, "clientAuth");
  EVP_PKEY* signer = issuer.key ? issuer.key.get() : key.get();
  if (X509_sign(cert.get(), signer, EVP_sha256()) <= 0) ossl::fail("cannot sign the certificate");
  int len = i2d_X509(cert.get(), nullptr);
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(cert.get(), &p);
  return der;
}

void check_secret(const std::string& value, const char* what) {
  if (value.size() < 6 || value.size() > 8) {
    throw std::invalid_argument(std::string(what) + " must be 6 to 8 characters");
  }
}

}  // namespace

CertificateRequest parse_certificate_request(const std::string& text) {
  std::size_t a = text.find(':'), b = text.find(':', a == std::string::npos ? a : a + 1);
  const std::string usage = "--cert '" + text + "': expected SLOT:ALG:DAYS, e.g. 9a:p256:365";
  if (a == std::string::npos || b == std::string::npos) throw std::invalid_argument(usage);
  CertificateRequest req;
  auto slot = piv::parse_slot(text.substr(0, a));
  if (!slot) throw std::invalid_argument(usage + " (SLOT: 9a, 9c, 9d, 9e or 82-95)");
  auto alg = piv::parse_algorithm(text.substr(a + 1, b - a - 1));
  if (!alg) throw std::invalid_argument(usage + " (ALG: rsa2048, p256, p384)");
  try {
    std::size_t used = 0;
    req.days = std::stoi(text.substr(b + 1), &used);
    if (used != text.size() - b - 1) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw std::invalid_argument(usage + " (DAYS: a whole number)");
  }
  if (req.days == 0) throw std::invalid_argument(usage + " (DAYS must not be 0)");
  req.slot = *slot;
  req.algorithm = *alg;
  return req;
}

CardState personalise(const PersonaliseOptions& o, std::time_t now, const RandomSource& random_in) {
  RandomSource random = random_in ? random_in : RandomSource(system_random);
  check_secret(o.pin, "the PIN");
  check_secret(o.puk, "the PUK");
  if (o.pin_tries < 1 || o.pin_tries > 15 || o.puk_tries < 1 || o.puk_tries > 15) {
    throw std::invalid_argument("PIN and PUK tries must be 1 to 15");
  }
  Bytes mkey = o.management_key.empty() ? piv::default_management_key() : o.management_key;
  if (piv::management_key_length(o.management_algorithm) != mkey.size()) {
    throw std::invalid_argument("the management key must be " +
                                std::to_string(piv::management_key_length(o.management_algorithm)) +
                                " bytes for " + piv::algorithm_name(o.management_algorithm));
  }
  uint32_t serial = 0;
  if (o.serial) {
    serial = *o.serial;
  } else {
    random(reinterpret_cast<uint8_t*>(&serial), sizeof serial);
    serial = 10000000 + serial % 90000000;
  }
  Bytes salt(16);
  random(salt.data(), salt.size());
  CardState state = make_default_state(serial, o.pin, o.puk, salt, now);
  state.pin.max_tries = state.pin.remaining = o.pin_tries;
  state.puk.max_tries = state.puk.remaining = o.puk_tries;
  state.management_algorithm = o.management_algorithm;
  state.management_key = mkey;
  state.plain_piv = o.plain_piv;
  Issuer issuer = load_issuer(o);
  for (const auto& req : o.certificates) {
    SlotKey key;
    key.algorithm = req.algorithm;
    key.origin = piv::origin_generated;
    key.private_der = generate_private_key(req.algorithm);
    std::string subject = o.subject.empty()
                              ? "CN=eport vcard " + std::to_string(serial) + " " + to_hex(&req.slot, 1)
                              : o.subject;
    Bytes cert = make_certificate(key.private_der, req, subject, issuer, now, random);
    state.objects[*piv::certificate_tag(req.slot)] = certificate_object(cert, o.gzip_certificates);
    state.keys[req.slot] = std::move(key);
  }
  return state;
}

}  // namespace eport::vcard
