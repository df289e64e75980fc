// The SKF plug-in's pure parts: options, name lists, slot names, public-key blobs.
#include <catch2/catch.hpp>
#include <cstring>

#include <eport/driver.h>
#include <eport/softskf/crypto.hpp>

#include "options.hpp"
#include "public_key.hpp"
#include "skf_error.hpp"
#include "skf_session.hpp"
#include "slots.hpp"

using namespace eport::skf;

TEST_CASE("skf: options give labels from file names and refuse what cannot work") {
  CHECK(default_label("/opt/vendor/lib/libvendor_skf.so") == "vendor_skf");
  CHECK(default_label("libeport-softskf.so.1") == "eport-softskf");
  CHECK(default_label("/x/SKF API.so") == "SKF_API");
  const auto options =
      parse_options(R"({"libraries":[{"library":"/a/libx.so"},{"library":"/b/liby.so","label":"v",
      "application":"APP","events":"poll"}],"lock_timeout_ms":0})");
  REQUIRE(options.libraries.size() == 2);
  CHECK(options.libraries[0].label == "x");
  CHECK(options.libraries[1].application == "APP");
  CHECK_FALSE(options.libraries[1].events);
  CHECK(options.lock_timeout_ms == 0);
  for (const char* bad :
       {R"([])", R"({"libraries":{}})", R"({"libraries":[{"library":""}]})",
        R"({"libraries":[{"library":"/a.so","label":"a b"}]})",
        R"({"libraries":[{"library":"/a.so","label":"x"},{"library":"/b.so","label":"x"}]})",
        R"({"libraries":[{"library":"/a.so","events":"sometimes"}]})", R"({"lock_timeout_ms":60000})",
        R"({"min_pin_length":9,"max_pin_length":8})"}) {
    try {
      parse_options(bad);
      FAIL("accepted " << bad);
    } catch (const SkfError& e) {
      CHECK(e.status() == EPORT_ERR_BAD_ARGS);
    }
  }
}

TEST_CASE("skf: name lists are split at NULs, tolerate a missing end and stop at the double NUL") {
  const char list[] = "DEV A\0DEV B\0\0garbage";
  CHECK(split_names(list, sizeof list) == std::vector<std::string>{"DEV A", "DEV B"});
  const char unterminated[] = {'a', '\0', 'b', 'c'};
  CHECK(split_names(unterminated, sizeof unterminated) == std::vector<std::string>{"a", "bc"});
  CHECK(split_names("\0\0", 2).empty());
  CHECK(split_names("", 0).empty());
  const char field[8] = {'S', 'N', '1', ' ', ' ', 0, 'x', 'y'};
  CHECK(text_field(field, sizeof field) == "SN1");
  const char full[4] = {'A', 'B', 'C', 'D'};
  CHECK(text_field(full, sizeof full) == "ABCD");
}

TEST_CASE("skf: slot names escape '/', '%', spaces and non-ASCII") {
  CHECK(slot_part("{5D1B-AA}") == "{5D1B-AA}");
  CHECK(slot_part("a/b c%") == "a%2Fb%20c%25");
  CHECK(slot_part("\xe5\xae\xb9") == "%E5%AE%B9");
}

TEST_CASE("skf: SAR codes map to the ABI's statuses") {
  CHECK(to_status(abi::SAR_PIN_INCORRECT) == EPORT_ERR_WRONG_PIN);
  CHECK(to_status(abi::SAR_PIN_LOCKED) == EPORT_ERR_PIN_BLOCKED);
  CHECK(to_status(abi::SAR_PIN_LEN_RANGE) == EPORT_ERR_INVALID_PIN);
  CHECK(to_status(abi::SAR_DEVICE_REMOVED) == EPORT_ERR_CARD_REMOVED);
  CHECK(to_status(abi::SAR_TIMEOUTERR) == EPORT_ERR_TIMEOUT);
  CHECK(to_status(0x0A0000FF) == EPORT_ERR_CARD_ERROR);
  CHECK(std::string(abi::status_name(abi::SAR_PIN_INCORRECT)) == "SAR_PIN_INCORRECT");
  CHECK(std::string(abi::status_name(0x0A0000FF)) == "0x0A0000FF");
}

TEST_CASE("skf: an ECC blob becomes the SM2 key's SubjectPublicKeyInfo, right- or left-aligned") {
  const auto key = eport::softskf::generate_private_key(eport::softskf::KeyType::ecc);
  const auto spki = eport::softskf::public_key_der(key);
  auto blob = eport::softskf::public_key_blob(key);  // right-aligned, as the soft token writes it
  CHECK(spki_from_blob(blob) == spki);
  abi::EccPublicKeyBlob left;
  std::memcpy(&left, blob.data(), sizeof left);
  std::memmove(left.x, left.x + 32, 32);
  std::memset(left.x + 32, 0, 32);
  std::memmove(left.y, left.y + 32, 32);
  std::memset(left.y + 32, 0, 32);
  Bytes left_blob(reinterpret_cast<std::uint8_t*>(&left),
                  reinterpret_cast<std::uint8_t*>(&left) + sizeof left);
  CHECK(spki_from_blob(left_blob) == spki);
  blob[100] ^= 0x01;  // a point off the curve
  CHECK_THROWS_AS(spki_from_blob(blob), SkfError);
  CHECK_THROWS_AS(spki_from_blob(Bytes(20, 0)), SkfError);
}

TEST_CASE("skf: an RSA blob becomes the RSA key's SubjectPublicKeyInfo") {
  const auto key = eport::softskf::generate_private_key(eport::softskf::KeyType::rsa, 2048);
  CHECK(spki_from_blob(eport::softskf::public_key_blob(key)) == eport::softskf::public_key_der(key));
}
