// What eportctl shows for a certificate file before `renew` writes it: the daemon's summary
// (daemon/x509), checked against certificates made by the openssl tool (an independent maker).
#include "cert_preview.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace eport::client;
using std::chrono::system_clock;

namespace {
constexpr long kDay = 86400;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/eportctl-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

// A self-signed certificate from `openssl req` (valid from now for `days` days).
std::string make_cert(const TempDir& dir, const std::string& key_args, int days, const std::string& form) {
  std::string cert = dir.path + "/cert." + form;
  std::string cmd = "openssl req -x509 -newkey " + key_args + " -nodes -keyout " + dir.path +
                    "/key.pem -subj /O=Test/CN=Zhang\\ San -days " + std::to_string(days) + " -outform " +
                    form + " -out " + cert + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return cert;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

system_clock::time_point at(std::int64_t unix_seconds) {
  return system_clock::time_point(std::chrono::seconds(unix_seconds));
}

std::string key_of(const std::string& key_args) {
  TempDir dir;
  const auto file = make_cert(dir, key_args, 3650, "PEM");
  return preview_certificate_file(file, system_clock::now()).summary.key;
}
}  // namespace

TEST_CASE("a PEM RSA certificate is summarised like PROTOCOL.md's Certificate", "[client][cert]") {
  TempDir dir;
  const auto file = make_cert(dir, "rsa:2048", 3650, "PEM");  // made before the clock is read
  auto p = preview_certificate_file(file, system_clock::now());
  const auto j = p.summary.to_json();
  CHECK(j["key"] == "RSA-2048");
  CHECK(j["subject"] == "CN=Zhang San,O=Test");  // RFC 2253: most specific first
  CHECK(j["state"] == "valid");
  CHECK(j["days_left"].get<long>() >= 3649);
  CHECK(j["sha256"].get<std::string>().size() == 64);
  CHECK_THAT(p.pem, Catch::StartsWith("-----BEGIN CERTIFICATE-----"));
}

TEST_CASE("a DER EC P-256 certificate is read too", "[client][cert]") {
  TempDir dir;
  const auto file = make_cert(dir, "ec -pkeyopt ec_paramgen_curve:prime256v1", 30, "DER");
  auto p = preview_certificate_file(file, system_clock::now());
  CHECK(p.summary.key == "EC-P256");
  CHECK(p.summary.days_left >= 29);
}

TEST_CASE("RSA-PSS, P-521 and Ed25519 keys are named as eportd names them", "[client][cert]") {
  CHECK(key_of("rsa-pss -pkeyopt rsa_keygen_bits:2048") == "RSA-PSS-2048");
  CHECK(key_of("ec -pkeyopt ec_paramgen_curve:secp521r1") == "EC-P521");
  CHECK(key_of("ed25519") == "Ed25519");
}

TEST_CASE("a certificate within eportd's default warning window is expiring", "[client][cert]") {
  TempDir dir;
  const std::string bytes = read(make_cert(dir, "rsa:2048", 3650, "PEM"));
  const auto end = preview_certificate(bytes, system_clock::now()).summary.not_after_unix;
  CHECK(preview_certificate(bytes, at(end - 91 * kDay)).summary.state == eport::x509::ExpiryState::valid);
  auto soon = preview_certificate(bytes, at(end - 20 * kDay)).summary;
  CHECK(soon.state == eport::x509::ExpiryState::expiring);
  CHECK(soon.days_left == 20);
  CHECK(soon.to_json()["state"] == "expiring");
  // notAfter itself still counts as valid (RFC 5280), so still expiring, with 0 days left.
  CHECK(preview_certificate(bytes, at(end)).summary.state == eport::x509::ExpiryState::expiring);
}

TEST_CASE("days are counted as eportd counts them: whole days, rounded down", "[client][cert]") {
  TempDir dir;
  const std::string bytes = read(make_cert(dir, "rsa:2048", 10, "PEM"));
  const auto end = preview_certificate(bytes, system_clock::now()).summary.not_after_unix;
  CHECK(preview_certificate(bytes, at(end - 2 * kDay - 1)).summary.days_left == 2);
  CHECK(preview_certificate(bytes, at(end - kDay / 2)).summary.days_left == 0);
  // Half a day after the end is day -1 (ASN1_TIME_diff would say 0): expired.
  auto after = preview_certificate(bytes, at(end + kDay / 2)).summary;
  CHECK(after.days_left == -1);
  CHECK(after.state == eport::x509::ExpiryState::expired);
  auto before = preview_certificate(bytes, at(after.not_before_unix - 1)).summary;
  CHECK(before.state == eport::x509::ExpiryState::not_yet_valid);
}

TEST_CASE("a private key or garbage is refused with eportd's reason text", "[client][cert]") {
  CHECK_THROWS(preview_certificate("this is not a certificate", system_clock::now()));
  TempDir dir;
  make_cert(dir, "rsa:2048", 10, "PEM");
  CHECK_THROWS_WITH(preview_certificate(read(dir.path + "/key.pem"), system_clock::now()),
                    Catch::Contains("private key"));
  CHECK_THROWS_WITH(preview_certificate_file(dir.path + "/missing.pem", system_clock::now()),
                    Catch::Contains("cannot read"));
}
