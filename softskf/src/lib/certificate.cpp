// make_certificate: self-signed X.509 v3 certificates for the soft token's keys.
#include <stdexcept>

#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <eport/softskf/crypto.hpp>

#include "openssl_util.hpp"

namespace eport::softskf {

namespace {

constexpr long kDay = 24L * 3600L;

void add_extension(X509* x, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) openssl_fail("cannot build an extension");
  const int ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) openssl_fail("cannot add an extension");
}

void set_validity(X509* x, const CertificateSpec& spec) {
  if (spec.days == 0) throw std::invalid_argument("DAYS must not be 0");
  const std::time_t not_after = spec.now + static_cast<std::time_t>(spec.days) * kDay;
  const std::time_t not_before = spec.days > 0 ? spec.now - 3600 : not_after - 365 * kDay;
  if (ASN1_TIME_set(X509_getm_notBefore(x), not_before) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x), not_after) == nullptr)
    openssl_fail("cannot set the validity");
}

void set_serial(X509* x) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) openssl_fail("no random serial");
  bytes[0] &= 0x7F;  // positive
  bytes[0] |= 0x01;  // and 16 bytes long
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)) == nullptr)
    openssl_fail("cannot set serial");
}

// SM2 signs with SM3 and the GM/T default distinguishing ID, which OpenSSL 3.0 does not set by
// itself; RSA with SHA-256.
void sign(X509* x, EVP_PKEY* key) {
  const bool sm2 = EVP_PKEY_is_a(key, "SM2");
  EvpPkeyCtxPtr pctx;  // outlives md: EVP_MD_CTX_set_pkey_ctx does not take ownership
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  if (!md) openssl_fail("out of memory");
  if (sm2) {
    pctx.reset(EVP_PKEY_CTX_new(key, nullptr));
    if (!pctx || EVP_PKEY_CTX_set1_id(pctx.get(), kSm2DistinguishingId, 16) <= 0)
      openssl_fail("cannot set the SM2 ID");
    EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
  }
  if (EVP_DigestSignInit(md.get(), nullptr, sm2 ? EVP_sm3() : EVP_sha256(), nullptr, key) != 1 ||
      X509_sign_ctx(x, md.get()) <= 0)
    openssl_fail("cannot sign the certificate");
}

}  // namespace

Bytes make_certificate(const Bytes& private_key, const CertificateSpec& spec) {
  auto key = load_private_key(private_key);
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) openssl_fail("cannot create a certificate");
  set_serial(x.get());
  const auto name = parse_subject(spec.subject);
  if (X509_set_subject_name(x.get(), name.get()) != 1 || X509_set_issuer_name(x.get(), name.get()) != 1)
    openssl_fail("cannot set the names");
  set_validity(x.get(), spec);
  if (X509_set_pubkey(x.get(), key.get()) != 1) openssl_fail("cannot set the public key");
  add_extension(x.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(x.get(), NID_key_usage,
                spec.signing ? "critical,digitalSignature,nonRepudiation"
                             : "critical,keyEncipherment,dataEncipherment,keyAgreement");
  add_extension(x.get(), NID_subject_key_identifier, "hash");
  sign(x.get(), key.get());
  unsigned char* out = nullptr;
  const int len = i2d_X509(x.get(), &out);
  if (len <= 0) openssl_fail("cannot encode the certificate");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace eport::softskf
