#include "cert_preview.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace eport::client;

namespace {
// Makes a self-signed certificate with the openssl tool (the test's independent reference).
std::string make_cert(const std::string& dir, const std::string& key_args, int days,
                      const std::string& form) {
  std::string cert = dir + "/cert." + form;
  std::string cmd = "openssl req -x509 -newkey " + key_args + " -nodes -keyout " + dir +
                    "/key.pem -subj /CN=Zhang\\ San/O=Test -days " + std::to_string(days) + " -outform " +
                    form + " -out " + cert + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return cert;
}
std::string tmpdir() {
  char tmpl[] = "/tmp/eportctl-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}
}  // namespace

TEST_CASE("a PEM RSA certificate is summarised like PROTOCOL.md's Certificate", "[client][cert]") {
  auto dir = tmpdir();
  auto file = make_cert(dir, "rsa:2048", 3650, "PEM");
  auto p = preview_certificate_file(file, std::time(nullptr));
  CHECK(p.summary["key"] == "RSA-2048");
  CHECK_THAT(p.summary["subject"].get<std::string>(), Catch::Contains("CN=Zhang San"));
  CHECK(p.summary["state"] == "valid");
  CHECK(p.summary["days_left"].get<long>() >= 3649);
  CHECK(p.summary["sha256"].get<std::string>().size() == 64);
  CHECK_THAT(p.pem, Catch::StartsWith("-----BEGIN CERTIFICATE-----"));
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a DER EC P-256 certificate is read too", "[client][cert]") {
  auto dir = tmpdir();
  auto file = make_cert(dir, "ec -pkeyopt ec_paramgen_curve:prime256v1", 30, "DER");
  auto p = preview_certificate_file(file, std::time(nullptr));
  CHECK(p.summary["key"] == "EC-P256");
  CHECK(p.summary["days_left"].get<long>() >= 29);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("days_left and state follow the injected clock", "[client][cert]") {
  auto dir = tmpdir();
  auto file = make_cert(dir, "rsa:2048", 10, "PEM");
  auto later = std::time(nullptr) + 20 * 86400;
  auto p = preview_certificate_file(file, later);
  CHECK(p.summary["state"] == "expired");
  CHECK(p.summary["days_left"].get<long>() < 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a private key or garbage is refused", "[client][cert]") {
  CHECK_THROWS(preview_certificate("this is not a certificate", 0));
  auto dir = tmpdir();
  make_cert(dir, "rsa:2048", 10, "PEM");
  std::ifstream key(dir + "/key.pem");
  std::stringstream ss;
  ss << key.rdbuf();
  CHECK_THROWS(preview_certificate(ss.str(), 0));
  std::system(("rm -rf " + dir).c_str());
}
