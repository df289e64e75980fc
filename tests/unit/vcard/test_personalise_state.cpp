// Personalisation (eport-vcard init) and the state file.
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509.h>

#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include <eport/vcard/card_state.hpp>
#include <eport/vcard/personalise.hpp>
#include <eport/vcard/piv.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using namespace eport::vcard;

namespace {

constexpr std::time_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

std::string temp_path(const char* name) {
  return "/tmp/eport-vcard-test-" + std::to_string(::getpid()) + "-" + name;
}

std::time_t cert_time(const Bytes& object, bool not_after) {
  auto der = certificate_from_object(object);
  REQUIRE(der);
  const unsigned char* p = der->data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der->size()));
  REQUIRE(cert != nullptr);
  std::tm tm{};
  ASN1_TIME_to_tm(not_after ? X509_get0_notAfter(cert) : X509_get0_notBefore(cert), &tm);
  X509_free(cert);
  return timegm(&tm);
}

}  // namespace

TEST_CASE("a --cert spec parses slot, algorithm and days", "[vcard][personalise]") {
  auto r = parse_certificate_request("9c:p384:-20");
  CHECK(r.slot == 0x9C);
  CHECK(r.algorithm == piv::alg::p384);
  CHECK(r.days == -20);
  CHECK_THROWS_AS(parse_certificate_request("9b:p256:10"), std::invalid_argument);
  CHECK_THROWS_AS(parse_certificate_request("9a:dsa:10"), std::invalid_argument);
  CHECK_THROWS_AS(parse_certificate_request("9a:p256:0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_certificate_request("9a:p256"), std::invalid_argument);
}

TEST_CASE("personalise puts a key and a certificate valid for DAYS into the slot", "[vcard][personalise]") {
  PersonaliseOptions o;
  o.serial = 4242;
  o.certificates = {parse_certificate_request("9a:p256:3650"), parse_certificate_request("9c:p256:-20")};
  CardState s = personalise(o, kNow, counter_random());
  CHECK(s.serial == 4242);
  REQUIRE(s.keys.count(0x9A) == 1);
  const Bytes& object = s.objects.at(0x5FC105);
  CHECK(object[0] == 0x53);
  Bytes tail = h("71 01 00 FE 00");
  CHECK(Bytes(object.end() - 5, object.end()) == tail);
  CHECK(cert_time(object, true) == kNow + 3650L * 86400);
  CHECK(cert_time(object, false) < kNow);
  // Expired 20 days ago.
  CHECK(cert_time(s.objects.at(0x5FC10A), true) == kNow - 20L * 86400);
}

TEST_CASE("a gzip certificate object carries CertInfo 01 and unpacks to the certificate",
          "[vcard][personalise]") {
  PersonaliseOptions o;
  o.serial = 1;
  o.gzip_certificates = true;
  o.certificates = {parse_certificate_request("9e:p256:30")};
  CardState s = personalise(o, kNow, counter_random());
  const Bytes& object = s.objects.at(0x5FC101);
  CHECK(Bytes(object.end() - 5, object.end()) == h("71 01 01 FE 00"));
  auto der = certificate_from_object(object);
  REQUIRE(der);
  CHECK((*der)[0] == 0x30);
}

TEST_CASE("personalise refuses a short PIN and a key of the wrong length", "[vcard][personalise]") {
  PersonaliseOptions o;
  o.pin = "123";
  CHECK_THROWS_AS(personalise(o, kNow), std::invalid_argument);
  o.pin = "123456";
  o.management_algorithm = piv::alg::aes128;
  o.management_key = Bytes(24, 1);
  CHECK_THROWS_AS(personalise(o, kNow), std::invalid_argument);
}

TEST_CASE("a saved state loads back identical with mode 0600", "[vcard][state]") {
  PersonaliseOptions o;
  o.serial = 777;
  o.pin = "246810";
  o.pin_tries = 5;
  o.certificates = {parse_certificate_request("9d:rsa2048:100")};
  CardState s = personalise(o, kNow, counter_random());
  Card card(s, counter_random());
  card.transmit(verify_apdu("000000"));
  std::string path = temp_path("state.json");
  save_state(path, card.state());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CardState back = load_state(path);
  CHECK(state_to_json(back) == state_to_json(card.state()));
  CHECK(back.pin.remaining == 4);
  Card again(back, counter_random());
  CHECK(sw_of(again.transmit(verify_apdu("246810"))) == 0x9000);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("246810") == std::string::npos);  // no PIN in clear
  std::remove(path.c_str());
}

TEST_CASE("loading a broken state file names the file", "[vcard][state]") {
  std::string path = temp_path("broken.json");
  std::ofstream(path) << "{not json";
  try {
    load_state(path);
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  std::remove(path.c_str());
  CHECK_THROWS(load_state(path));
}

TEST_CASE("a plain PIV card has none of YubiKey's instructions and keeps that in its state",
          "[vcard][state]") {
  PersonaliseOptions o;
  o.serial = 4242;
  o.plain_piv = true;
  CardState s = personalise(o, kNow, counter_random());
  Card card(s, counter_random());
  for (const char* command :
       {"00 F7 00 80 00", "00 F8 00 00 00", "00 FD 00 00 00", "00 FB 00 00", "00 FA 03 03",
        "00 FF FF FF 1B 03 9B 18 010203040506070801020304050607080102030405060708"})
    CHECK(sw_of(card.transmit(h(command))) == 0x6D00);
  CHECK(sw_of(card.transmit(h("00 A4 04 00 08 A0 00 00 05 27 47 11 17"))) == 0x6A82);
  // the standard commands work as on any PIV card, and the CHUID carries the identity
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(sw_of(transmit_all(card, h("00 CB 3F FF 05 5C 03 5F C1 02 00"))) == 0x9000);
  const CardState back = state_from_json(state_to_json(card.state()));
  CHECK(back.plain_piv);
  CHECK_FALSE(
      state_from_json(state_to_json(personalise(PersonaliseOptions{}, kNow, counter_random()))).plain_piv);
}
