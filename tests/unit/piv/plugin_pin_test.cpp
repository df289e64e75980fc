// eport-piv.so through its C ABI against the virtual card: loading, match, identify, PINs.
#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstring>

#include "plugin_fixture.hpp"

using piv_test::Bytes;
using piv_test::CardSlot;
using piv_test::OpenCard;
using piv_test::Plugin;

namespace {
const Bytes kWrongVerify{0x00, 0x20, 0x00, 0x80, 0x08, '0', '0', '0', '0', '0', '0', '0', '0'};
const Bytes kSelect{0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00};

/// Spend `n` PIN tries with a wrong PIN, as another program (yubico-piv-tool) would.
void wrong_pin_tries(CardSlot& slot, int n) {
  piv_test::send_direct(slot, kSelect);
  for (int i = 0; i < n; ++i) piv_test::send_direct(slot, kWrongVerify);
}
}  // namespace

TEST_CASE("the plug-in exports only its entry point and a complete card-driver table", "[piv][plugin]") {
  Plugin plugin;
  REQUIRE(plugin.init_status() == EPORT_OK);
  const eport_driver_ops& ops = plugin.ops();
  CHECK(std::strcmp(ops.name, "piv") == 0);
  CHECK(ops.abi_major == EPORT_DRIVER_ABI_MAJOR);
  CHECK(ops.struct_size >= EPORT_DRIVER_OPS_SIZE_1_0);
  CHECK(ops.kind == EPORT_KIND_CARD);
  CHECK((ops.capabilities & EPORT_CAP_CERT_WRITE) != 0);
  CHECK(ops.slot_public_key != nullptr);
  CHECK(ops.enumerate == nullptr);
  CHECK(dlsym(plugin.handle(), "_ZN5eport3piv6to_hexEPKhm") == nullptr);  // eport::piv::to_hex
}

TEST_CASE("a wrong ABI major is refused by the entry point", "[piv][plugin]") {
  Plugin plugin;
  auto entry = reinterpret_cast<eport_driver_entry_fn>(dlsym(plugin.handle(), EPORT_DRIVER_ENTRY_SYMBOL));
  const eport_driver_ops* ops = nullptr;
  CHECK(entry(EPORT_DRIVER_ABI_MAJOR + 1, 0, &ops) == EPORT_ERR_UNSUPPORTED);
}

TEST_CASE("init refuses options of the wrong type", "[piv][plugin]") {
  Plugin plugin(R"({"management_key_file": 42})");
  CHECK(plugin.init_status() == EPORT_ERR_BAD_ARGS);
}

TEST_CASE("match accepts a PIV card with one SELECT and refuses others", "[piv][plugin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  CHECK(card.match_status == EPORT_OK);
  CHECK(card.open_status == EPORT_OK);
  REQUIRE(slot.apdus.size() == 3);  // SELECT, GET SERIAL, GET DATA Key History
  CHECK(slot.apdus[0] == kSelect);
  CHECK(slot.apdus[1] == Bytes({0x00, 0xF8, 0x00, 0x00, 0x00}));

  CardSlot other(piv_test::make_card());
  other.filter = [](const Bytes&, Bytes& answer) {
    answer = {0x6A, 0x82};
    return true;
  };
  OpenCard not_piv(plugin, other);
  CHECK(not_piv.match_status == EPORT_ERR_NO_MATCH);
  CHECK(other.apdus.size() == 1);
}

TEST_CASE("identify gives the GET SERIAL serial, stable across re-insertion", "[piv][plugin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  std::string first;
  {
    OpenCard card(plugin, slot);
    REQUIRE(card.open_status == EPORT_OK);
    const eport_token_info info = card.identify();
    CHECK(std::string(info.serial) == "0001e240");  // 123456
    CHECK(std::string(info.model) == "PIV");
    CHECK(std::string(info.label) == "PIV card 0001e240");
    CHECK(card.take_apdu_count() == 0);  // identify itself sends nothing
    first = info.serial;
  }
  slot.reinsert();
  OpenCard again(plugin, slot);
  CHECK(std::string(again.identify().serial) == first);
}

TEST_CASE("open_token selects PIV again rather than open a card without a serial", "[piv][plugin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  int selects = 0;
  slot.filter = [&selects](const Bytes& apdu, Bytes& answer) {
    if (apdu.size() > 1 && apdu[1] == 0xA4) {
      ++selects;
      return false;
    }
    if (selects >= 2) return false;
    answer = {0x6D, 0x00};  // as if another applet had been selected after match()
    return true;
  };
  OpenCard card(plugin, slot);
  REQUIRE(card.open_status == EPORT_OK);
  CHECK(std::string(card.identify().serial) == "0001e240");
  CHECK(selects == 2);
}

TEST_CASE("without GET SERIAL the CHUID GUID is the serial", "[piv][plugin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  slot.filter = [](const Bytes& apdu, Bytes& answer) {
    if (apdu.size() < 2 || apdu[1] != 0xF8) return false;
    answer = {0x6D, 0x00};
    return true;
  };
  OpenCard card(plugin, slot);
  REQUIRE(card.open_status == EPORT_OK);
  const std::string serial = card.identify().serial;
  CHECK(serial.size() == 32);
  CHECK(serial != std::string(32, '0'));
}

TEST_CASE("PIN status of a fresh card: 3 of 3, default, from metadata, in 2 APDUs", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info pin = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(pin.tries_left == 3);
  CHECK(pin.max_tries == 3);
  CHECK(pin.is_default == 1);
  CHECK(pin.blocked == 0);
  CHECK(pin.source == EPORT_SOURCE_METADATA);
  CHECK(pin.max_source == EPORT_SOURCE_METADATA);
  CHECK(pin.min_length == 6);
  CHECK(pin.max_length == 8);
  CHECK(card.take_apdu_count() == 2);  // SELECT + GET METADATA 80

  eport_pin_info puk = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_PUK, puk) == EPORT_OK);
  CHECK(puk.tries_left == 3);
  CHECK(puk.max_tries == 3);
  CHECK(puk.source == EPORT_SOURCE_METADATA);
  CHECK(card.take_apdu_count() == 2);  // SELECT + GET METADATA 81
}

TEST_CASE("inside one card transaction PIN and PUK status cost one SELECT, not two", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  slot.session = 7;  // open_token ran in transaction 7; this job runs in transaction 8
  OpenCard card(plugin, slot);
  slot.session = 8;
  eport_pin_info pin = piv_test::unknown_pin_info(), puk = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  REQUIRE(card.pin_status(EPORT_PIN_PUK, puk) == EPORT_OK);
  CHECK(card.take_apdu_count() == 3);  // SELECT + GET METADATA 80 + GET METADATA 81
  CHECK(slot.apdus.at(slot.apdus.size() - 3).at(1) == 0xA4);
  CHECK(puk.tries_left == 3);
  // A new transaction: another program may have selected something else in between.
  slot.session = 9;
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(card.take_apdu_count() == 2);
  // A host that cannot tell (0): every call selects.
  slot.session = 0;
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(card.take_apdu_count() == 4);
}

TEST_CASE("PIN status follows tries spent by another program and never spends one", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  wrong_pin_tries(slot, 2);
  eport_pin_info pin = piv_test::unknown_pin_info();
  for (int i = 0; i < 5; ++i) REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(pin.tries_left == 1);
  CHECK(pin.blocked == 0);
  CHECK(slot.card.state().pin.remaining == 1);

  wrong_pin_tries(slot, 1);
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(pin.tries_left == 0);
  CHECK(pin.blocked == 1);
}

TEST_CASE("a card without GET METADATA: PIN from empty VERIFY, PUK unknown", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  slot.filter = [](const Bytes& apdu, Bytes& answer) {
    if (apdu.size() < 2 || apdu[1] != 0xF7) return false;
    answer = {0x6D, 0x00};
    return true;
  };
  OpenCard card(plugin, slot);
  wrong_pin_tries(slot, 1);
  eport_pin_info pin = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(pin.tries_left == 2);
  CHECK(pin.max_tries == -1);
  CHECK(pin.is_default == -1);
  CHECK(pin.source == EPORT_SOURCE_VERIFY_STATUS);
  CHECK(card.take_apdu_count() == 3);  // SELECT + F7 (6D00) + empty VERIFY
  REQUIRE(card.pin_status(EPORT_PIN_USER, pin) == EPORT_OK);
  CHECK(card.take_apdu_count() == 2);  // F7 is not asked again

  eport_pin_info puk = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_PUK, puk) == EPORT_OK);
  CHECK(puk.tries_left == -1);
  CHECK(puk.blocked == -1);
  CHECK(puk.source == EPORT_SOURCE_NONE);
  CHECK(card.take_apdu_count() == 0);
  CHECK(slot.card.state().puk.remaining == 3);
}

TEST_CASE("pin_reset with a wrong PUK drops the PUK counter by exactly one", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  CHECK(card.pin_reset("99999999", "88888888", info) == EPORT_ERR_WRONG_PIN);
  CHECK(info.tries_left == 2);
  CHECK(info.blocked == 0);
  CHECK(slot.card.state().puk.remaining == 2);
  CHECK(card.take_apdu_count() == 3);  // SELECT + RESET RETRY COUNTER (never retried) + VERIFY FF
}

TEST_CASE("a PIN change or reset never leaves the card PIN-verified", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  const Bytes clear{0x00, 0x20, 0xFF, 0x80};
  eport_pin_info info = piv_test::unknown_pin_info();
  slot.apdus.clear();
  REQUIRE(card.pin_change(EPORT_PIN_USER, "88888888", "123456", info) == EPORT_OK);
  CHECK_FALSE(slot.card.pin_verified());
  REQUIRE(slot.apdus.size() >= 3);
  CHECK(slot.apdus[1][1] == 0x24);  // CHANGE REFERENCE DATA
  CHECK(slot.apdus[2] == clear);    // and at once VERIFY P1=FF
  CHECK(info.tries_left == 3);      // the figures are read after the clearing
  // also after a refused change and after a reset with the PUK
  slot.apdus.clear();
  CHECK(card.pin_change(EPORT_PIN_USER, "00000000", "654321", info) == EPORT_ERR_WRONG_PIN);
  CHECK(slot.apdus.at(2) == clear);
  slot.apdus.clear();
  REQUIRE(card.pin_reset("12345678", "88888888", info) == EPORT_OK);
  CHECK(slot.apdus.at(2) == clear);
  CHECK_FALSE(slot.card.pin_verified());
}

TEST_CASE("a card that refuses VERIFY P1=FF is logged, the change still counts", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  slot.filter = [](const Bytes& command, Bytes& answer) {
    if (command.size() == 4 && command[1] == 0x20 && command[2] == 0xFF) {
      answer = {0x6A, 0x86};  // a card older than SP 800-73-4
      return true;
    }
    return false;
  };
  eport_pin_info info = piv_test::unknown_pin_info();
  REQUIRE(card.pin_change(EPORT_PIN_USER, "88888888", "123456", info) == EPORT_OK);
  bool warned = false;
  for (const std::string& line : plugin.log())
    warned = warned || line.find("VERIFY P1=FF") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("pin_reset unblocks a blocked PIN back to full tries and the default", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  wrong_pin_tries(slot, 3);
  REQUIRE(slot.card.state().pin.remaining == 0);
  eport_pin_info info = piv_test::unknown_pin_info();
  REQUIRE(card.pin_reset("12345678", "88888888", info) == EPORT_OK);
  CHECK(info.tries_left == 3);
  CHECK(info.max_tries == 3);
  CHECK(info.is_default == 1);
  CHECK(info.blocked == 0);
  const Bytes verify{0x00, 0x20, 0x00, 0x80, 0x08, '8', '8', '8', '8', '8', '8', '8', '8'};
  CHECK(piv_test::send_direct(slot, verify) == Bytes{0x90, 0x00});
}

TEST_CASE("a new PIN outside 6-8 characters is refused before anything is sent", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  CHECK(card.pin_reset("12345678", "12345", info) == EPORT_ERR_INVALID_PIN);
  CHECK(card.pin_reset("12345678", "123456789", info) == EPORT_ERR_INVALID_PIN);
  CHECK(card.pin_change(EPORT_PIN_USER, "88888888", "1", info) == EPORT_ERR_INVALID_PIN);
  CHECK(card.take_apdu_count() == 0);
  CHECK(slot.card.state().puk.remaining == 3);
}

TEST_CASE("PINs and PUKs never reach the log", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  card.pin_reset("31415926", "27182818", info);
  card.pin_change(EPORT_PIN_USER, "88888888", "16180339", info);
  card.pin_change(EPORT_PIN_PUK, "12345678", "14142135", info);
  REQUIRE(!plugin.log().empty());  // the driver does log (APDU counts, refusals)
  for (const std::string& line : plugin.log()) {
    for (const char* secret : {"31415926", "27182818", "88888888", "16180339", "12345678", "14142135"}) {
      CHECK(line.find(secret) == std::string::npos);
    }
  }
}

TEST_CASE("a blocked PUK is reported as blocked", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  CHECK(card.pin_reset("00000000", "88888888", info) == EPORT_ERR_WRONG_PIN);
  CHECK(card.pin_reset("00000000", "88888888", info) == EPORT_ERR_WRONG_PIN);
  CHECK(card.pin_reset("00000000", "88888888", info) == EPORT_ERR_WRONG_PIN);
  CHECK(info.tries_left == 0);
  CHECK(info.blocked == 1);
  CHECK(card.pin_reset("12345678", "88888888", info) == EPORT_ERR_PIN_BLOCKED);
  CHECK(info.blocked == 1);
  eport_pin_info puk = piv_test::unknown_pin_info();
  REQUIRE(card.pin_status(EPORT_PIN_PUK, puk) == EPORT_OK);
  CHECK(puk.blocked == 1);
  CHECK(puk.tries_left == 0);
}

TEST_CASE("pin_change: a wrong old PIN reports tries left; a right one changes it", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  CHECK(card.pin_change(EPORT_PIN_USER, "11111111", "123456", info) == EPORT_ERR_WRONG_PIN);
  CHECK(info.tries_left == 2);
  REQUIRE(card.pin_change(EPORT_PIN_USER, "88888888", "123456", info) == EPORT_OK);
  CHECK(info.tries_left == 3);
  CHECK(info.is_default == 0);
  REQUIRE(card.pin_change(EPORT_PIN_PUK, "12345678", "87654321", info) == EPORT_OK);
  CHECK(info.is_default == 0);
  CHECK(card.pin_change(EPORT_PIN_USER + 7, "1", "123456", info) == EPORT_ERR_BAD_ARGS);
}

TEST_CASE("pin_verify: a right PIN verifies and the card is left unverified at once", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  REQUIRE(plugin.ops().struct_size >= EPORT_DRIVER_OPS_SIZE_1_1);
  REQUIRE((plugin.ops().capabilities & EPORT_CAP_PIN_VERIFY) != 0);
  wrong_pin_tries(slot, 1);  // another program's wrong PIN: a right one puts the counter back
  eport_pin_info info = piv_test::unknown_pin_info();
  slot.apdus.clear();
  REQUIRE(card.pin_verify(EPORT_PIN_USER, "88888888", info) == EPORT_OK);
  REQUIRE(slot.apdus.size() >= 3);
  CHECK(slot.apdus[0] == kSelect);
  const Bytes verify{0x00, 0x20, 0x00, 0x80, 0x08, '8', '8', '8', '8', '8', '8', '8', '8'};
  CHECK(slot.apdus[1] == verify);                           // one VERIFY with the PIN
  CHECK(slot.apdus[2] == Bytes({0x00, 0x20, 0xFF, 0x80}));  // then at once VERIFY P1=FF
  CHECK_FALSE(slot.card.pin_verified());
  CHECK(info.tries_left == 3);
  CHECK(info.blocked == 0);
  // another program's empty VERIFY: 63C3, not 9000
  CHECK(piv_test::send_direct(slot, Bytes({0x00, 0x20, 0x00, 0x80})) == Bytes({0x63, 0xC3}));
}

TEST_CASE("pin_verify: a wrong PIN costs exactly one try, reported from 63Cx", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  slot.apdus.clear();
  CHECK(card.pin_verify(EPORT_PIN_USER, "00000000", info) == EPORT_ERR_WRONG_PIN);
  CHECK(info.tries_left == 2);
  CHECK(info.blocked == 0);
  CHECK(info.source == EPORT_SOURCE_VERIFY_STATUS);
  CHECK(slot.card.state().pin.remaining == 2);
  CHECK(slot.apdus.size() == 3);  // SELECT + VERIFY (never retried) + VERIFY FF
  CHECK(card.pin_verify(EPORT_PIN_USER, "00000000", info) == EPORT_ERR_WRONG_PIN);
  CHECK(card.pin_verify(EPORT_PIN_USER, "00000000", info) == EPORT_ERR_WRONG_PIN);
  CHECK(info.tries_left == 0);
  CHECK(info.blocked == 1);
  CHECK(card.pin_verify(EPORT_PIN_USER, "88888888", info) == EPORT_ERR_PIN_BLOCKED);
  CHECK(info.blocked == 1);
  CHECK_FALSE(slot.card.pin_verified());
}

TEST_CASE("pin_verify refuses what cannot be a PIV PIN before anything is sent", "[piv][plugin][pin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  eport_pin_info info = piv_test::unknown_pin_info();
  card.take_apdu_count();
  CHECK(card.pin_verify(EPORT_PIN_USER, "", info) == EPORT_ERR_BAD_ARGS);
  CHECK(card.pin_verify(EPORT_PIN_USER, "123456789", info) == EPORT_ERR_BAD_ARGS);
  CHECK(card.pin_verify(EPORT_PIN_PUK, "12345678", info) == EPORT_ERR_BAD_ARGS);
  CHECK(card.take_apdu_count() == 0);
  CHECK(slot.card.state().pin.remaining == 3);
  CHECK(slot.card.state().puk.remaining == 3);
  for (const std::string& line : plugin.log()) CHECK(line.find("123456789") == std::string::npos);
}

TEST_CASE("a pulled card is reported as removed, not as a card error", "[piv][plugin]") {
  Plugin plugin;
  CardSlot slot(piv_test::make_card());
  OpenCard card(plugin, slot);
  slot.transmit_status = EPORT_ERR_CARD_REMOVED;
  eport_pin_info info = piv_test::unknown_pin_info();
  CHECK(card.pin_status(EPORT_PIN_USER, info) == EPORT_ERR_CARD_REMOVED);
  CHECK(info.tries_left == -1);
}
