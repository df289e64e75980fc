// Certificates and public keys; the pull-at test hook.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstring>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <eport/softskf/crypto.hpp>

#include "softskf_support.hpp"

using namespace softskf_test;

namespace {

void login(HAPPLICATION app) {
  std::string pin = "88888888";
  ULONG retry = 0;
  REQUIRE(SKF_VerifyPIN(app, USER_TYPE, pin.data(), &retry) == SAR_OK);
}

// The certificate's public point as X||Y, 32 bytes each.
Bytes certificate_point(const Bytes& der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  REQUIRE(x != nullptr);
  unsigned char point[65];
  std::size_t len = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(X509_get0_pubkey(x), "encoded-pub-key", point, sizeof point,
                                          &len) == 1);
  X509_free(x);
  REQUIRE(len == 65);
  return Bytes(point + 1, point + 65);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("softskf: SKF_ExportCertificate follows the NULL-size and too-small conventions") {
  DeviceDir dir;
  dir.add_sm2("SKE");
  Session s("SKE", "c1");
  REQUIRE(s.status == SAR_OK);
  const auto stored = dir.state("SKE").applications[0].containers[0];
  CHECK(export_certificate(s.container, true) == stored.sign.certificate);
  CHECK(export_certificate(s.container, false) == stored.enc.certificate);
  ULONG size = 10;
  Bytes small(10);
  CHECK(SKF_ExportCertificate(s.container, 1, small.data(), &size) == SAR_BUFFER_TOO_SMALL);
  CHECK(size == stored.sign.certificate.size());
}

TEST_CASE(
    "softskf: SKF_ExportPublicKey gives a 132-byte ECC blob with the certificate's point right-aligned") {
  DeviceDir dir;
  dir.add_sm2("SKK");
  Session s("SKK", "c1");
  REQUIRE(s.status == SAR_OK);
  ULONG size = 0;
  REQUIRE(SKF_ExportPublicKey(s.container, 1, nullptr, &size) == SAR_OK);
  REQUIRE(size == sizeof(ECCPUBLICKEYBLOB));
  ECCPUBLICKEYBLOB blob;
  REQUIRE(SKF_ExportPublicKey(s.container, 1, reinterpret_cast<BYTE*>(&blob), &size) == SAR_OK);
  CHECK(blob.BitLen == 256);
  const Bytes point = certificate_point(export_certificate(s.container, true));
  CHECK(Bytes(blob.XCoordinate, blob.XCoordinate + 32) == Bytes(32, 0));
  CHECK(Bytes(blob.XCoordinate + 32, blob.XCoordinate + 64) == Bytes(point.begin(), point.begin() + 32));
  CHECK(Bytes(blob.YCoordinate + 32, blob.YCoordinate + 64) == Bytes(point.begin() + 32, point.end()));
  // The encryption key is another key.
  ECCPUBLICKEYBLOB enc;
  size = sizeof enc;
  REQUIRE(SKF_ExportPublicKey(s.container, 0, reinterpret_cast<BYTE*>(&enc), &size) == SAR_OK);
  CHECK(std::memcmp(enc.XCoordinate, blob.XCoordinate, 64) != 0);
}

TEST_CASE("softskf: RSA containers export a 268-byte RSAPUBLICKEYBLOB; a missing key is SAR_KEYNOTFOUNTERR") {
  DeviceDir dir;
  eport::softskf::InitOptions options;
  options.serial = "SKRSA";
  options.certificates = {eport::softskf::parse_certificate_request("r:sign:rsa2048:30")};
  dir.add(options);
  Session s("SKRSA", "r");
  REQUIRE(s.status == SAR_OK);
  RSAPUBLICKEYBLOB blob;
  ULONG size = sizeof blob;
  REQUIRE(SKF_ExportPublicKey(s.container, 1, reinterpret_cast<BYTE*>(&blob), &size) == SAR_OK);
  CHECK(size == 268);
  CHECK(blob.AlgID == SGD_RSA);
  CHECK(blob.BitLen == 2048);
  CHECK(Bytes(blob.PublicExponent, blob.PublicExponent + 4) == Bytes{0, 1, 0, 1});
  CHECK(SKF_ExportPublicKey(s.container, 0, reinterpret_cast<BYTE*>(&blob), &size) == SAR_KEYNOTFOUNTERR);
  ULONG rv = 0;
  export_certificate(s.container, false, &rv);
  CHECK(rv == SAR_CERTNOTFOUNTERR);
}

TEST_CASE("softskf: SKF_ImportCertificate needs the user PIN and a real certificate") {
  DeviceDir dir;
  dir.add_sm2("SKI");
  Session s("SKI", "c1");
  REQUIRE(s.status == SAR_OK);
  Bytes cert = foreign_certificate();  // the soft token does not check keys: the caller must
  CHECK(SKF_ImportCertificate(s.container, 1, cert.data(), static_cast<ULONG>(cert.size())) ==
        SAR_USER_NOT_LOGGED_IN);
  login(s.app);
  Bytes garbage{0x30, 0x03, 0x01, 0x02, 0x03};
  CHECK(SKF_ImportCertificate(s.container, 1, garbage.data(), static_cast<ULONG>(garbage.size())) ==
        SAR_INDATAERR);
  REQUIRE(SKF_ImportCertificate(s.container, 1, cert.data(), static_cast<ULONG>(cert.size())) == SAR_OK);
  CHECK(export_certificate(s.container, true) == cert);
  CHECK(export_certificate(s.container, false) != cert);
  REQUIRE(SKF_ClearSecureState(s.app) == SAR_OK);
  CHECK(SKF_ImportCertificate(s.container, 1, cert.data(), static_cast<ULONG>(cert.size())) ==
        SAR_USER_NOT_LOGGED_IN);
}

TEST_CASE("softskf: pull-at pulls the key before or after the function acted, once") {
  const bool after = GENERATE(false, true);
  DeviceDir dir;
  auto file = dir.add_sm2("SKX");
  Session s("SKX", "c1");
  REQUIRE(s.status == SAR_OK);
  login(s.app);
  Bytes old_cert = export_certificate(s.container, true);
  auto state = dir.state("SKX");
  state.pull_at = eport::softskf::PullAt{"SKF_ImportCertificate", after, 1};
  eport::softskf::save_state(file, state);
  Bytes cert = foreign_certificate();
  // skip 1: the first import goes through.
  REQUIRE(SKF_ImportCertificate(s.container, 1, old_cert.data(), static_cast<ULONG>(old_cert.size())) ==
          SAR_OK);
  CHECK(SKF_ImportCertificate(s.container, 1, cert.data(), static_cast<ULONG>(cert.size())) ==
        SAR_DEVICE_REMOVED);
  CHECK_FALSE(exists(file));
  const std::string pulled = dir.path() + "/.pulled/SKX.json";
  REQUIRE(exists(pulled));
  const auto after_pull = eport::softskf::load_state(pulled);
  CHECK(after_pull.applications[0].containers[0].sign.certificate == (after ? cert : old_cert));
  CHECK_FALSE(after_pull.pull_at);
  CHECK(after_pull.applications[0].logged_in.empty());  // a pulled key forgets its login
  CHECK(enum_devices().empty());
}
