#include "spki.hpp"

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "piv_error.hpp"
#include "tlv.hpp"

namespace eport::piv {

namespace {
template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

[[noreturn]] void malformed(const char* what) { throw PivError(EPORT_ERR_CARD_ERROR, what); }

Bytes der_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) malformed("public key does not encode as SubjectPublicKeyInfo");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    malformed("the card's public key is not a valid key");
  }
  PkeyPtr key(raw);
  return der_of(key.get());
}

Bytes rsa_spki(const std::vector<Tlv>& items) {
  const Tlv* modulus = find_tlv(items, 0x81);
  const Tlv* exponent = find_tlv(items, 0x82);
  if (modulus == nullptr || exponent == nullptr) malformed("RSA public key lacks 81 or 82");
  BnPtr n(BN_bin2bn(modulus->value, static_cast<int>(modulus->length), nullptr));
  BnPtr e(BN_bin2bn(exponent->value, static_cast<int>(exponent->length), nullptr));
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!n || !e || !builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    throw PivError(EPORT_ERR_NO_MEMORY, "OpenSSL could not build RSA parameters");
  }
  return key_from_params("RSA", builder.get());
}

Bytes ec_spki(const std::vector<Tlv>& items, const char* curve) {
  const Tlv* point = find_tlv(items, 0x86);
  if (point == nullptr) malformed("EC public key lacks 86");
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point->value, point->length) !=
          1) {
    throw PivError(EPORT_ERR_NO_MEMORY, "OpenSSL could not build EC parameters");
  }
  return key_from_params("EC", builder.get());
}
}  // namespace

Bytes spki_from_metadata(int algorithm, const Bytes& public_key) {
  const bool rsa = algorithm == 0x05 || algorithm == 0x06 || algorithm == 0x07 || algorithm == 0x16;
  const char* curve = algorithm == 0x11 ? "P-256" : algorithm == 0x14 ? "P-384" : nullptr;
  if (!rsa && curve == nullptr) return {};
  // Some cards wrap the items in 7F49 as GENERATE does; accept both.
  const uint8_t* data = public_key.data();
  size_t len = public_key.size();
  if (const auto outer = decode_tlv(data, len); outer && outer->tag == 0x7F49) {
    data = outer->value;
    len = outer->length;
  }
  const auto items = decode_tlv_list(data, len);
  if (!items) malformed("public key in metadata is not a TLV list");
  return rsa ? rsa_spki(*items) : ec_spki(*items, curve);
}

Bytes spki_from_certificate(const Bytes& der) {
  const unsigned char* cursor = der.data();
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert) malformed("the certificate in the slot does not parse");
  X509_PUBKEY* pubkey = X509_get_X509_PUBKEY(cert.get());
  unsigned char* out = nullptr;
  const int len = i2d_X509_PUBKEY(pubkey, &out);
  if (len <= 0) malformed("the certificate's public key does not encode");
  Bytes spki(out, out + len);
  OPENSSL_free(out);
  return spki;
}

}  // namespace eport::piv
