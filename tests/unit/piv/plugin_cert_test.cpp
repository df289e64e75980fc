// eport-piv.so through its C ABI against the virtual card: certificates, writes, public keys,
// and what a full status costs in APDUs.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <unistd.h>

#include "plugin_fixture.hpp"

using piv_test::Bytes;
using piv_test::CardSlot;
using piv_test::OpenCard;
using piv_test::Plugin;

namespace {
constexpr uint32_t kObject9A = 0x5FC105;
constexpr uint32_t kObject9C = 0x5FC10A;
const Bytes kDefaultKey{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};

eport::vcard::PersonaliseOptions with_9a_cert(bool gzip = false) {
  eport::vcard::PersonaliseOptions options;
  options.certificates.push_back(eport::vcard::parse_certificate_request("9a:p256:365"));
  options.gzip_certificates = gzip;
  return options;
}

std::vector<eport_slot_info> slot_buffer(size_t n) {
  std::vector<eport_slot_info> slots(n);
  for (auto& slot : slots) slot.struct_size = sizeof(eport_slot_info);
  return slots;
}

std::string temp_key_file(const std::string& hex) {
  char name[] = "/tmp/piv-mgmt-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()));
  close(fd);
  return name;
}
}  // namespace

TEST_CASE("cert_read returns the slot's certificate; an empty slot is NOT_FOUND", "[piv][plugin][cert]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  Bytes der(8192);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(der == piv_test::stored_certificate(slot, kObject9A));
  Bytes empty(8192);
  CHECK(card.cert_read("9c", empty) == EPORT_ERR_NOT_FOUND);
  CHECK(card.cert_read("9b", empty) == EPORT_ERR_BAD_ARGS);
}

TEST_CASE("a certificate over 2 KB is read through GET RESPONSE chaining", "[piv][plugin][cert]") {
  eport::vcard::CardState state = piv_test::make_card();
  const Bytes big = piv_test::make_certificate(3000);
  REQUIRE(big.size() > 2048);
  state.objects[kObject9C] = eport::vcard::certificate_object(big, false);
  Plugin plugin;
  CardSlot slot(std::move(state));
  OpenCard card(plugin, slot);
  Bytes der(16384);
  REQUIRE(card.cert_read("9C", der) == EPORT_OK);
  CHECK(der == big);
  // SELECT + GET DATA + one GET RESPONSE per further 256 bytes of the object
  const size_t object_size = eport::vcard::certificate_object(big, false).size();
  CHECK(card.take_apdu_count() == 2 + (object_size - 1) / 256);
}

TEST_CASE("a gzip-compressed certificate is returned inflated", "[piv][plugin][cert]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert(true)));
  const Bytes& object = slot.card.state().objects.at(kObject9A);
  REQUIRE(object.size() > 8);
  OpenCard card(plugin, slot);
  Bytes der(8192);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(der == piv_test::stored_certificate(slot, kObject9A));
  CHECK(der[0] == 0x30);
}

TEST_CASE("a too small buffer gives the size needed and the retry sends nothing", "[piv][plugin][cert]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  Bytes der(10);
  REQUIRE(card.cert_read("9a", der) == EPORT_ERR_BUFFER_TOO_SMALL);
  const size_t needed = der.size();
  CHECK(needed == piv_test::stored_certificate(slot, kObject9A).size());
  card.take_apdu_count();
  der.resize(needed);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(card.take_apdu_count() == 0);
}

TEST_CASE("cert_list reports the four slots and which hold certificates", "[piv][plugin][cert]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  std::vector<eport_slot_info> none;
  REQUIRE(card.cert_list(none) == EPORT_ERR_BUFFER_TOO_SMALL);
  CHECK(none.size() == 4);
  CHECK(card.take_apdu_count() == 0);
  auto slots = slot_buffer(8);
  REQUIRE(card.cert_list(slots) == EPORT_OK);
  REQUIRE(slots.size() == 4);
  CHECK(std::string(slots[0].slot) == "9a");
  CHECK(std::string(slots[0].label) == "PIV Authentication");
  CHECK(slots[0].has_certificate == 1);
  CHECK(slots[1].has_certificate == 0);
  CHECK(std::string(slots[3].slot) == "9e");
}

TEST_CASE("retired slots are listed when Key History says they hold certificates", "[piv][plugin][cert]") {
  eport::vcard::CardState state = piv_test::make_card();
  state.objects[0x5FC10C] = Bytes{0x53, 0x08, 0xC1, 0x01, 0x02, 0xC2, 0x01, 0x00, 0xFE, 0x00};
  state.objects[0x5FC10D] = eport::vcard::certificate_object(piv_test::make_certificate(0), false);
  Plugin plugin;
  CardSlot slot(std::move(state));
  OpenCard card(plugin, slot);
  auto slots = slot_buffer(30);
  REQUIRE(card.cert_list(slots) == EPORT_OK);
  REQUIRE(slots.size() == 6);
  CHECK(std::string(slots[4].slot) == "82");
  CHECK(slots[4].has_certificate == 1);
  CHECK(std::string(slots[5].slot) == "83");
  CHECK(slots[5].has_certificate == 0);
}

TEST_CASE("a full status costs 2 + 2 APDUs for PIN and PUK, 5 for the list, and reads each certificate once",
          "[piv][plugin][cert]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  const size_t object_size = slot.card.state().objects.at(kObject9A).size();
  const size_t get_responses = (object_size - 1) / 256;
  for (int round = 0; round < 2; ++round) {  // a repeat call costs the same
    eport_pin_info pin = piv_test::unknown_pin_info();
    eport_pin_info puk = piv_test::unknown_pin_info();
    REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
    REQUIRE(card.pin_status(EPORT_PIN_PUK, puk) == EPORT_OK);
    auto slots = slot_buffer(8);
    REQUIRE(card.cert_list(slots) == EPORT_OK);
    for (const auto& info : slots) {
      if (info.has_certificate != 1) continue;
      Bytes der(8192);
      REQUIRE(card.cert_read(info.slot, der) == EPORT_OK);
    }
    // PIN: SELECT + F7 80; PUK: SELECT + F7 81; list: SELECT + 4 GET DATA (+ GET RESPONSEs);
    // the 9A read comes from what cert_list just read.
    CHECK(card.take_apdu_count() == 2 + 2 + 5 + get_responses);
  }
}

TEST_CASE("with the certificate cache off every read goes to the card", "[piv][plugin][cert]") {
  Plugin plugin(R"({"cert_cache_ms": 0})");
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  auto slots = slot_buffer(8);
  REQUIRE(card.cert_list(slots) == EPORT_OK);
  card.take_apdu_count();
  Bytes der(8192);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(card.take_apdu_count() >= 2);
}

TEST_CASE("cert_write stores a certificate over 2 KB that reads back identical", "[piv][plugin][write]") {
  Plugin plugin(R"({"cert_cache_ms": 0})");
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  const Bytes big = piv_test::make_certificate(2500);
  REQUIRE(card.cert_write("9a", big, kDefaultKey) == EPORT_OK);
  CHECK(piv_test::stored_certificate(slot, kObject9A) == big);
  // Byte for byte the object yubico-piv-tool writes: {70 DER}{71 01 00}{FE 00}.
  CHECK(slot.card.state().objects.at(kObject9A) == eport::vcard::certificate_object(big, false));
  Bytes der(16384);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(der == big);
  // The PUT DATA went out in 255-byte chained parts.
  size_t chained = 0;
  for (const Bytes& apdu : slot.apdus) {
    if (apdu.size() > 1 && apdu[0] == 0x10 && apdu[1] == 0xDB) ++chained;
  }
  CHECK(chained >= 9);
}

TEST_CASE("cert_write after a read does not return the old certificate from cache", "[piv][plugin][write]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  auto slots = slot_buffer(8);
  REQUIRE(card.cert_list(slots) == EPORT_OK);
  const Bytes fresh = piv_test::make_certificate(0);
  REQUIRE(card.cert_write("9a", fresh, kDefaultKey) == EPORT_OK);
  Bytes der(8192);
  REQUIRE(card.cert_read("9a", der) == EPORT_OK);
  CHECK(der == fresh);
}

TEST_CASE("cert_write costs SELECT, metadata, two authentication steps and the PUT DATA parts",
          "[piv][plugin][write]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  const Bytes cert = piv_test::make_certificate(700);
  const size_t data_len = 5 + eport::vcard::certificate_object(cert, false).size();  // 5C 03 tag + 53 object
  REQUIRE(card.cert_write("9a", cert, kDefaultKey) == EPORT_OK);
  CHECK(card.take_apdu_count() == 4 + (data_len + 254) / 255);
}

TEST_CASE("a wrong management key is refused and the slot is left as it was", "[piv][plugin][write]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card(with_9a_cert()));
  OpenCard card(plugin, slot);
  const Bytes before = piv_test::stored_certificate(slot, kObject9A);
  Bytes wrong = kDefaultKey;
  wrong[0] ^= 0xFF;
  CHECK(card.cert_write("9a", piv_test::make_certificate(0), wrong) == EPORT_ERR_WRONG_MGMT_KEY);
  CHECK(card.cert_write("9a", piv_test::make_certificate(0), Bytes(16, 1)) == EPORT_ERR_WRONG_MGMT_KEY);
  CHECK(piv_test::stored_certificate(slot, kObject9A) == before);
}

TEST_CASE("without a key given or configured cert_write needs one and sends nothing",
          "[piv][plugin][write]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  CHECK(card.cert_write("9a", piv_test::make_certificate(0), {}) == EPORT_ERR_MGMT_KEY_REQUIRED);
  CHECK(card.take_apdu_count() == 0);
}

TEST_CASE("the management key file from the options is read at call time", "[piv][plugin][write]") {
  const std::string path = temp_key_file("010203040506070801020304050607080102030405060708\n");
  Plugin plugin(R"({"management_key_file": ")" + path + R"("})");
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  const Bytes cert = piv_test::make_certificate(0);
  CHECK(card.cert_write("9c", cert, {}) == EPORT_OK);
  CHECK(piv_test::stored_certificate(slot, kObject9C) == cert);
  std::remove(path.c_str());
  CHECK(card.cert_write("9c", cert, {}) == EPORT_ERR_MGMT_KEY_REQUIRED);
  for (const std::string& line : plugin.log()) CHECK(line.find("0102030405") == std::string::npos);
}

TEST_CASE("a key file others may read, or a symbolic link to one, is refused and not read",
          "[piv][plugin][write]") {
  const std::string path = temp_key_file("010203040506070801020304050607080102030405060708\n");
  const std::string link = path + ".link";
  REQUIRE(symlink(path.c_str(), link.c_str()) == 0);
  const Bytes cert = piv_test::make_certificate(0);
  {
    Plugin plugin(R"({"management_key_file": ")" + link + R"("})");
    CardSlot slot(piv_test::make_card());
    OpenCard card(plugin, slot);
    CHECK(card.cert_write("9c", cert, {}) == EPORT_ERR_MGMT_KEY_REQUIRED);
    CHECK(card.take_apdu_count() == 0);
    bool said = false;
    for (const std::string& line : plugin.log())
      said = said || line.find("symbolic link") != std::string::npos;
    CHECK(said);
  }
  REQUIRE(chmod(path.c_str(), 0640) == 0);
  {
    Plugin plugin(R"({"management_key_file": ")" + path + R"("})");
    CardSlot slot(piv_test::make_card());
    OpenCard card(plugin, slot);
    CHECK(card.cert_write("9c", cert, {}) == EPORT_ERR_MGMT_KEY_REQUIRED);
    CHECK(card.take_apdu_count() == 0);
    bool said = false;
    for (const std::string& line : plugin.log()) said = said || line.find("chmod 600") != std::string::npos;
    CHECK(said);
  }
  std::remove(link.c_str());
  std::remove(path.c_str());
}

TEST_CASE("AES management keys authenticate with the algorithm the card reports", "[piv][plugin][write]") {
  for (const auto& [algorithm, length] : {std::pair<uint8_t, size_t>{0x08, 16}, {0x0A, 24}, {0x0C, 32}}) {
    eport::vcard::PersonaliseOptions options;
    options.management_algorithm = algorithm;
    options.management_key = Bytes(length, 0x5A);
    Plugin plugin;
    CardSlot slot(piv_test::make_card(options));
    OpenCard card(plugin, slot);
    const Bytes cert = piv_test::make_certificate(0);
    CHECK(card.cert_write("9d", cert, options.management_key) == EPORT_OK);
    CHECK(piv_test::stored_certificate(slot, 0x5FC10B) == cert);
  }
}

TEST_CASE("slot_public_key comes from metadata, else the certificate, else NOT_FOUND", "[piv][plugin][key]") {
  eport::vcard::CardState state = piv_test::make_card(with_9a_cert());
  const Bytes orphan = piv_test::make_certificate(0);
  state.objects[kObject9C] = eport::vcard::certificate_object(orphan, false);  // no key in 9C
  Plugin plugin;
  CardSlot slot(std::move(state));
  OpenCard card(plugin, slot);
  Bytes spki(4096);
  REQUIRE(card.slot_public_key("9a", spki) == EPORT_OK);
  CHECK(spki == piv_test::spki_of_certificate(piv_test::stored_certificate(slot, kObject9A)));
  CHECK(card.take_apdu_count() == 2);  // SELECT + GET METADATA 9A
  Bytes from_cert(4096);
  REQUIRE(card.slot_public_key("9c", from_cert) == EPORT_OK);
  CHECK(from_cert == piv_test::spki_of_certificate(orphan));
  Bytes none(4096);
  CHECK(card.slot_public_key("9d", none) == EPORT_ERR_NOT_FOUND);
}

TEST_CASE("slot_public_key works for RSA keys too", "[piv][plugin][key]") {
  eport::vcard::PersonaliseOptions options;
  options.certificates.push_back(eport::vcard::parse_certificate_request("9c:rsa2048:365"));
  Plugin plugin;
  CardSlot slot(piv_test::make_card(options));
  OpenCard card(plugin, slot);
  Bytes spki(4096);
  REQUIRE(card.slot_public_key("9c", spki) == EPORT_OK);
  CHECK(spki == piv_test::spki_of_certificate(piv_test::stored_certificate(slot, kObject9C)));
}
