#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <memory>

#include "der.hpp"
#include "options.hpp"
#include "p11.hpp"

using namespace eport::pkcs11;

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Key generate(const char* type, const char* curve = nullptr) {
  EVP_PKEY* key = curve != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                                   : EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<size_t>(2048));
  return Key(key);
}

Bytes spki_of(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  const int n = i2d_PUBKEY(key, &out);
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

Bytes bignum(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return out;
}

Bytes octets(EVP_PKEY* key, const char* name) {
  std::size_t size = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(key, name, nullptr, 0, &size) == 1);
  Bytes out(size);
  REQUIRE(EVP_PKEY_get_octet_string_param(key, name, out.data(), out.size(), &size) == 1);
  return out;
}

// CKA_EC_PARAMS of a named curve: the DER of its OID.
Bytes curve_params(const char* curve) {
  ASN1_OBJECT* oid = OBJ_txt2obj(curve, 0);
  unsigned char* out = nullptr;
  const int n = i2d_ASN1_OBJECT(oid, &out);
  Bytes der(out, out + n);
  OPENSSL_free(out);
  ASN1_OBJECT_free(oid);
  return der;
}

}  // namespace

TEST_CASE("options take modules with labels and p11-kit", "[pkcs11][options]") {
  const auto options =
      parse_options(R"({"modules":[{"module":"/usr/lib/softhsm/libsofthsm2.so","label":"softhsm"},)"
                    R"({"module":"/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"}],"p11-kit":true})");
  REQUIRE(options.modules.size() == 2);
  CHECK(options.modules[0].label == "softhsm");
  CHECK(options.modules[1].label == "opensc-pkcs11");
  CHECK(options.p11_kit);
  CHECK(parse_options("{}").modules.empty());
  CHECK_FALSE(parse_options("{}").p11_kit);
}

TEST_CASE("bad options are refused naming what is wrong", "[pkcs11][options]") {
  auto refused = [](const char* json) {
    try {
      parse_options(json);
    } catch (const P11Error& e) {
      CHECK(e.status() == EPORT_ERR_BAD_ARGS);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused(R"({"module":"/x.so"})"), Catch::Contains("unknown key `module`"));
  CHECK_THAT(refused(R"({"modules":[{"module":"lib.so"}]})"), Catch::Contains("absolute path"));
  CHECK_THAT(refused(R"({"modules":[{"module":"/a/libx.so"},{"module":"/b/libx.so"}]})"),
             Catch::Contains("label \"x\""));
  CHECK_THAT(refused(R"({"modules":[{"module":"/a/x.so","label":"bad label"}]})"), Catch::Contains("1-32"));
  CHECK_THAT(refused(R"({"p11-kit":"yes"})"), Catch::Contains("true or false"));
  CHECK_THAT(refused(R"({"modules":[{"module":"/a/x.so","slot":1}]})"),
             Catch::Contains("unknown key `slot`"));
}

TEST_CASE("a module's default label comes from its file name", "[pkcs11][options]") {
  CHECK(label_from_path("/usr/lib/softhsm/libsofthsm2.so") == "softhsm2");
  CHECK(label_from_path("/usr/lib/x86_64-linux-gnu/libgm3000_pkcs11.so.1") == "gm3000_pkcs11");
  CHECK(label_from_path("/opt/vendor/my module.so") == "my_module");
  CHECK(valid_label("opensc-pkcs11"));
  CHECK_FALSE(valid_label(""));
  CHECK_FALSE(valid_label(std::string(33, 'a')));
}

TEST_CASE("an RSA key's modulus and exponent make its SubjectPublicKeyInfo", "[pkcs11][der]") {
  Key key = generate("RSA");
  REQUIRE(key);
  CHECK(rsa_spki(bignum(key.get(), OSSL_PKEY_PARAM_RSA_N), bignum(key.get(), OSSL_PKEY_PARAM_RSA_E)) ==
        spki_of(key.get()));
}

TEST_CASE("an EC key's params and point make its SubjectPublicKeyInfo, wrapped or raw", "[pkcs11][der]") {
  for (const char* curve : {"prime256v1", "secp384r1", "SM2"}) {
    Key key = generate("EC", curve);
    REQUIRE(key);
    const Bytes point = octets(key.get(), OSSL_PKEY_PARAM_PUB_KEY);
    Bytes wrapped{0x04, static_cast<std::uint8_t>(point.size())};  // CKA_EC_POINT as the standard says
    wrapped.insert(wrapped.end(), point.begin(), point.end());
    const Bytes expected = spki_of(key.get());
    CHECK(ec_spki(curve_params(curve), wrapped) == expected);
    CHECK(ec_spki(curve_params(curve), point) == expected);  // modules that give the raw point
  }
}

TEST_CASE("a certificate's subject, issuer and serial are taken as DER", "[pkcs11][der]") {
  Key key = generate("EC", "prime256v1");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Zhang San"),
                             -1, -1, 0);
  X509_set_subject_name(cert, name);
  X509_set_issuer_name(cert, name);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key.get());
  REQUIRE(X509_sign(cert, key.get(), EVP_sha256()) > 0);
  unsigned char* out = nullptr;
  const int n = i2d_X509(cert, &out);
  const Bytes der(out, out + n);
  OPENSSL_free(out);
  const auto parts = certificate_parts(der);
  REQUIRE(parts);
  CHECK(parts->common_name == "Zhang San");
  CHECK(parts->subject == parts->issuer);
  CHECK(parts->serial == Bytes{0x02, 0x02, 0x10, 0x92});  // INTEGER 4242
  CHECK_FALSE(certificate_parts(Bytes{0x30, 0x03, 0x01, 0x02, 0x03}));
  X509_NAME_free(name);
  X509_free(cert);
}

TEST_CASE("module errors map to the ABI's statuses", "[pkcs11][errors]") {
  CHECK(status_for(CKR_DEVICE_REMOVED) == EPORT_ERR_CARD_REMOVED);
  CHECK(status_for(CKR_TOKEN_NOT_PRESENT) == EPORT_ERR_CARD_REMOVED);
  CHECK(status_for(CKR_PIN_INCORRECT) == EPORT_ERR_WRONG_PIN);
  CHECK(status_for(CKR_PIN_LOCKED) == EPORT_ERR_PIN_BLOCKED);
  CHECK(status_for(CKR_PIN_LEN_RANGE) == EPORT_ERR_INVALID_PIN);
  CHECK(status_for(CKR_FUNCTION_NOT_SUPPORTED) == EPORT_ERR_UNSUPPORTED);
  CHECK(status_for(CKR_GENERAL_ERROR) == EPORT_ERR_CARD_ERROR);
  CHECK(rv_name(CKR_PIN_INCORRECT) == "CKR_PIN_INCORRECT");
  CHECK(rv_name(0x80001234) == "CKR_0x80001234");
  CK_UTF8CHAR padded[16];
  std::memset(padded, ' ', sizeof padded);
  std::memcpy(padded, "2fa43dc5", 8);
  CHECK(field(padded) == "2fa43dc5");
}
