#include <eport/softskf/crypto.hpp>

#include <memory>
#include <stdexcept>

#include <eport/softskf/skf.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "openssl_util.hpp"

namespace eport::softskf {

namespace {

void put_right_aligned(const BIGNUM* bn, std::uint8_t* field, std::size_t field_size) {
  const int len = BN_num_bytes(bn);
  if (len < 0 || static_cast<std::size_t>(len) > field_size) throw std::runtime_error("key value too long");
  BN_bn2binpad(bn, field, static_cast<int>(field_size));
}

BIGNUM* get_bn(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) openssl_fail("cannot read key parameter");
  return bn;
}

Bytes ecc_blob(const EVP_PKEY* key) {
  BignumPtr x(get_bn(key, OSSL_PKEY_PARAM_EC_PUB_X)), y(get_bn(key, OSSL_PKEY_PARAM_EC_PUB_Y));
  ECCPUBLICKEYBLOB blob{};
  blob.BitLen = static_cast<ULONG>(EVP_PKEY_get_bits(key));
  put_right_aligned(x.get(), blob.XCoordinate, sizeof blob.XCoordinate);
  put_right_aligned(y.get(), blob.YCoordinate, sizeof blob.YCoordinate);
  const auto* p = reinterpret_cast<const std::uint8_t*>(&blob);
  return Bytes(p, p + sizeof blob);
}

Bytes rsa_blob(const EVP_PKEY* key) {
  BignumPtr n(get_bn(key, OSSL_PKEY_PARAM_RSA_N)), e(get_bn(key, OSSL_PKEY_PARAM_RSA_E));
  RSAPUBLICKEYBLOB blob{};
  blob.AlgID = SGD_RSA;
  blob.BitLen = static_cast<ULONG>(EVP_PKEY_get_bits(key));
  put_right_aligned(n.get(), blob.Modulus, sizeof blob.Modulus);
  put_right_aligned(e.get(), blob.PublicExponent, sizeof blob.PublicExponent);
  const auto* p = reinterpret_cast<const std::uint8_t*>(&blob);
  return Bytes(p, p + sizeof blob);
}

}  // namespace

Bytes generate_private_key(KeyType type, int rsa_bits) {
  EvpPkeyPtr key;
  if (type == KeyType::ecc) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &out) != 1)
      openssl_fail("SM2 key generation failed");
    key.reset(out);
  } else if (type == KeyType::rsa) {
    if (rsa_bits < 1024 || rsa_bits > 2048 || rsa_bits % 8 != 0)
      throw std::invalid_argument("RSA keys of 1024 to 2048 bits only (the SKF blob holds 2048)");
    key.reset(EVP_RSA_gen(static_cast<unsigned int>(rsa_bits)));
    if (!key) openssl_fail("RSA key generation failed");
  } else {
    throw std::invalid_argument("no key type");
  }
  return private_key_der(key.get());
}

Bytes public_key_der(const Bytes& private_key) {
  const auto key = load_private_key(private_key);
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(key.get(), &out);
  if (len <= 0) openssl_fail("cannot encode the public key");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Bytes public_key_blob(const Bytes& private_key) {
  const auto key = load_private_key(private_key);
  if (EVP_PKEY_is_a(key.get(), "SM2") || EVP_PKEY_is_a(key.get(), "EC")) return ecc_blob(key.get());
  if (EVP_PKEY_is_a(key.get(), "RSA")) return rsa_blob(key.get());
  throw std::runtime_error("unsupported key type");
}

bool is_certificate(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  return x && p == der.data() + der.size();
}

std::string describe_certificate(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) {
    ERR_clear_error();
    return "not a certificate (" + std::to_string(der.size()) + " bytes)";
  }
  const EVP_PKEY* key = X509_get0_pubkey(x.get());
  std::string algorithm = "unknown";
  if (key != nullptr && EVP_PKEY_is_a(key, "SM2")) algorithm = "SM2";
  else if (key != nullptr && EVP_PKEY_is_a(key, "RSA"))
    algorithm = "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  else if (key != nullptr && EVP_PKEY_is_a(key, "EC"))
    algorithm = "EC-" + std::to_string(EVP_PKEY_get_bits(key));
  return "subject " + name_text(X509_get_subject_name(x.get())) + ", valid " +
         time_text(X509_get0_notBefore(x.get())) + " to " + time_text(X509_get0_notAfter(x.get())) +
         ", key " + algorithm;
}

}  // namespace eport::softskf
