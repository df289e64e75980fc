#include <eport/vcard/key_crypto.hpp>

#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <eport/vcard/piv.hpp>

#include "ossl.hpp"

namespace eport::vcard {

namespace {

ossl::Pkey parse_private(const Bytes& der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr) ossl::fail("cannot parse the stored private key");
  return ossl::Pkey(key);
}

Bytes to_pkcs8_der(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
  if (p8 == nullptr) ossl::fail("cannot convert the key to PKCS#8");
  unsigned char* der = nullptr;
  int dlen = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (dlen <= 0) ossl::fail("cannot encode PKCS#8");
  Bytes result(der, der + dlen);
  OPENSSL_clear_free(der, static_cast<std::size_t>(dlen));
  return result;
}

Bytes bn_bytes(const BIGNUM* bn, int width) {
  Bytes out(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(bn)));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  return out;
}

ossl::Bn get_bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) ossl::fail("cannot read key parameter");
  return ossl::Bn(bn);
}

Bytes ec_public_point(EVP_PKEY* key) {
  std::size_t len = 0;
  EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len);
  Bytes out(len);
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len) != 1) {
    ossl::fail("cannot read the EC public key");
  }
  out.resize(len);
  return out;
}

const char* curve_name(uint8_t algorithm) { return algorithm == piv::alg::p384 ? "P-384" : "P-256"; }

ossl::Pkey from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return ossl::Pkey(key);
}

ossl::Bn to_bn(const Bytes& b) { return ossl::Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr)); }

}  // namespace

Bytes generate_private_key(uint8_t algorithm) {
  EVP_PKEY* key = nullptr;
  if (piv::is_rsa(algorithm)) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(piv::rsa_bits(algorithm)));
  } else if (piv::is_ec(algorithm)) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve_name(algorithm));
  } else {
    throw std::invalid_argument("unsupported key algorithm");
  }
  if (key == nullptr) ossl::fail("key generation failed");
  ossl::Pkey holder(key);
  return to_pkcs8_der(key);
}

std::optional<uint8_t> key_algorithm(const Bytes& private_der) {
  auto key = parse_private(private_der);
  int bits = EVP_PKEY_get_bits(key.get());
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    if (bits == 1024) return piv::alg::rsa1024;
    if (bits == 2048) return piv::alg::rsa2048;
    if (bits == 3072) return piv::alg::rsa3072;
  } else if (EVP_PKEY_is_a(key.get(), "EC")) {
    if (bits == 256) return piv::alg::p256;
    if (bits == 384) return piv::alg::p384;
  }
  return std::nullopt;
}

Bytes public_key_tlvs(const Bytes& private_der) {
  auto key = parse_private(private_der);
  Bytes out;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    auto n = get_bn(key.get(), OSSL_PKEY_PARAM_RSA_N);
    auto e = get_bn(key.get(), OSSL_PKEY_PARAM_RSA_E);
    append_tlv(out, 0x81, bn_bytes(n.get(), EVP_PKEY_get_size(key.get())));
    append_tlv(out, 0x82, bn_bytes(e.get(), 0));
  } else {
    append_tlv(out, 0x86, ec_public_point(key.get()));
  }
  return out;
}

Bytes public_key_spki(const Bytes& private_der) {
  auto key = parse_private(private_der);
  int len = i2d_PUBKEY(key.get(), nullptr);
  if (len <= 0) ossl::fail("cannot encode the public key");
  Bytes out(static_cast<std::size_t>(len));
  unsigned char* p = out.data();
  i2d_PUBKEY(key.get(), &p);
  return out;
}

std::optional<Bytes> rsa_raw_private(const Bytes& private_der, const Bytes& block) {
  auto key = parse_private(private_der);
  if (!EVP_PKEY_is_a(key.get(), "RSA") ||
      block.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.get()))) {
    return std::nullopt;
  }
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  std::size_t outlen = block.size();
  Bytes out(outlen);
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), out.data(), &outlen, block.data(), block.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  // Keep the modulus width: a result with leading zero bytes is still a full block.
  Bytes padded(block.size() - outlen, 0);
  padded.insert(padded.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(outlen));
  return padded;
}

std::optional<Bytes> ecdsa_sign_digest(const Bytes& private_der, const Bytes& digest) {
  auto key = parse_private(private_der);
  if (!EVP_PKEY_is_a(key.get(), "EC") || digest.empty()) return std::nullopt;
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  std::size_t siglen = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &siglen, digest.data(), digest.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bytes sig(siglen);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &siglen, digest.data(), digest.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  sig.resize(siglen);
  return sig;
}

std::optional<Bytes> ecdh_derive(const Bytes& private_der, const Bytes& peer_point) {
  auto key = parse_private(private_der);
  if (!EVP_PKEY_is_a(key.get(), "EC")) return std::nullopt;
  char group[64] = {0};
  std::size_t glen = 0;
  EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen);
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, peer_point.data(), peer_point.size());
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::PkeyCtx pctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* peer = nullptr;
  if (!pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1 ||
      EVP_PKEY_fromdata(pctx.get(), &peer, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  ossl::Pkey peer_key(peer);
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer_key.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bytes secret(len);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  secret.resize(len);
  return secret;
}

std::optional<Bytes> import_rsa_key(const Bytes& p, const Bytes& q, const Bytes& dp, const Bytes& dq,
                                    const Bytes& qinv) {
  ossl::BnCtx bctx(BN_CTX_new());
  auto bp = to_bn(p), bq = to_bn(q), bdp = to_bn(dp), bdq = to_bn(dq), bqi = to_bn(qinv);
  ossl::Bn n(BN_new()), e(BN_new()), d(BN_new()), phi(BN_new()), p1(BN_new()), q1(BN_new());
  if (!bctx || !bp || !bq || !n || !e || !d || !phi || !p1 || !q1) return std::nullopt;
  BN_set_word(e.get(), 65537);
  BN_mul(n.get(), bp.get(), bq.get(), bctx.get());
  BN_sub(p1.get(), bp.get(), BN_value_one());
  BN_sub(q1.get(), bq.get(), BN_value_one());
  BN_mul(phi.get(), p1.get(), q1.get(), bctx.get());
  if (BN_mod_inverse(d.get(), e.get(), phi.get(), bctx.get()) == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, bp.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, bq.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, bdp.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, bdq.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bqi.get());
  auto key = from_params("RSA", bld.get());
  if (!key) return std::nullopt;
  return to_pkcs8_der(key.get());
}

std::optional<Bytes> import_ec_key(uint8_t algorithm, const Bytes& scalar) {
  if (!piv::is_ec(algorithm)) return std::nullopt;
  int nid = algorithm == piv::alg::p384 ? NID_secp384r1 : NID_X9_62_prime256v1;
  ossl::Group group(EC_GROUP_new_by_curve_name(nid));
  ossl::BnCtx bctx(BN_CTX_new());
  auto priv = to_bn(scalar);
  if (!group || !bctx || !priv || BN_is_zero(priv.get()) ||
      BN_cmp(priv.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return std::nullopt;
  }
  ossl::Point point(EC_POINT_new(group.get()));
  if (!point || EC_POINT_mul(group.get(), point.get(), priv.get(), nullptr, nullptr, bctx.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bytes pub(1 + 2 * ((EC_GROUP_get_degree(group.get()) + 7) / 8));
  EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, pub.data(), pub.size(),
                     bctx.get());
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve_name(algorithm), 0);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get());
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size());
  auto key = from_params("EC", bld.get());
  if (!key) return std::nullopt;
  return to_pkcs8_der(key.get());
}

Bytes management_encrypt(uint8_t algorithm, const Bytes& key, const Bytes& block) {
  const EVP_CIPHER* cipher = nullptr;
  switch (algorithm) {
    case piv::alg::tdes: cipher = EVP_des_ede3_ecb(); break;
    case piv::alg::aes128: cipher = EVP_aes_128_ecb(); break;
    case piv::alg::aes192: cipher = EVP_aes_192_ecb(); break;
    case piv::alg::aes256: cipher = EVP_aes_256_ecb(); break;
    default: throw std::invalid_argument("not a management key algorithm");
  }
  ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
  Bytes out(block.size() + 32);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, block.data(), static_cast<int>(block.size())) != 1) {
    ossl::fail("management key cipher failed");
  }
  out.resize(static_cast<std::size_t>(len));
  return out;
}

void system_random(uint8_t* out, std::size_t length) {
  if (RAND_bytes(out, static_cast<int>(length)) != 1) ossl::fail("no random bytes");
}

Bytes sha256(const Bytes& data) {
  Bytes out(32);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) {
    ossl::fail("SHA-256 failed");
  }
  return out;
}

}  // namespace eport::vcard
