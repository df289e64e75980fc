#include "public_key.hpp"

#include <cstring>
#include <memory>

#include <eport/driver.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "skf_error.hpp"

namespace eport::skf {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};

[[noreturn]] void bad_blob(const std::string& why) {
  ERR_clear_error();
  throw SkfError(EPORT_ERR_CARD_ERROR, "SKF_ExportPublicKey: " + why);
}

// The value of `bits` bits inside a field of `field` bytes: right-aligned unless the leading
// bytes are not zero (then the library left-aligned it).
Bytes aligned_value(const std::uint8_t* field, std::size_t field_size, std::size_t bytes) {
  if (bytes == 0 || bytes > field_size) bad_blob("key length out of range");
  const std::size_t pad = field_size - bytes;
  bool leading_zero = true;
  for (std::size_t i = 0; i < pad; ++i) leading_zero = leading_zero && field[i] == 0;
  const std::uint8_t* start = leading_zero ? field + pad : field;
  return Bytes(start, start + bytes);
}

Bytes to_spki(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(key, &out);
  if (len <= 0) bad_blob("cannot encode the key");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

EVP_PKEY* from_params(const char* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, Free> params(OSSL_PARAM_BLD_to_param(builder));
  std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    bad_blob(std::string("not a valid ") + type + " public key");
  return key;
}

Bytes ecc_spki(const abi::EccPublicKeyBlob& blob) {
  if (blob.bit_len != 256) bad_blob("ECC key of " + std::to_string(blob.bit_len) + " bits (SM2 has 256)");
  Bytes point{0x04};
  const Bytes x = aligned_value(blob.x, sizeof blob.x, 32), y = aligned_value(blob.y, sizeof blob.y, 32);
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  std::unique_ptr<OSSL_PARAM_BLD, Free> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) !=
          1)
    bad_blob("out of memory");
  std::unique_ptr<EVP_PKEY, Free> key(from_params("SM2", builder.get()));
  std::unique_ptr<EVP_PKEY_CTX, Free> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) bad_blob("the SM2 point is not on the curve");
  return to_spki(key.get());
}

Bytes rsa_spki(const abi::RsaPublicKeyBlob& blob) {
  if (blob.bit_len < 512 || blob.bit_len > 2048 || blob.bit_len % 8 != 0)
    bad_blob("RSA key of " + std::to_string(blob.bit_len) + " bits");
  const Bytes modulus = aligned_value(blob.modulus, sizeof blob.modulus, blob.bit_len / 8);
  std::unique_ptr<BIGNUM, Free> n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
  std::unique_ptr<BIGNUM, Free> e(BN_bin2bn(blob.public_exponent, sizeof blob.public_exponent, nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, Free> builder(OSSL_PARAM_BLD_new());
  if (!n || !e || BN_is_zero(e.get()) || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    bad_blob("bad RSA key");
  std::unique_ptr<EVP_PKEY, Free> key(from_params("RSA", builder.get()));
  return to_spki(key.get());
}

}  // namespace

Bytes spki_from_blob(const Bytes& blob) {
  if (blob.size() == sizeof(abi::EccPublicKeyBlob)) {
    abi::EccPublicKeyBlob ecc;
    std::memcpy(&ecc, blob.data(), sizeof ecc);
    return ecc_spki(ecc);
  }
  if (blob.size() == sizeof(abi::RsaPublicKeyBlob)) {
    abi::RsaPublicKeyBlob rsa;
    std::memcpy(&rsa, blob.data(), sizeof rsa);
    return rsa_spki(rsa);
  }
  bad_blob("a blob of " + std::to_string(blob.size()) + " bytes is neither ECC (132) nor RSA (268)");
}

}  // namespace eport::skf
