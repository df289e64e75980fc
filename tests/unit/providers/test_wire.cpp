#include <catch2/catch.hpp>

#include "devices/reader_list.hpp"
#include "devices/token_id.hpp"
#include "providers/wire.hpp"

using namespace eport::providers;

TEST_CASE("ABI values survive the trip to the helper and back", "[providers][wire]") {
  eport::drivers::PinInfo pin;
  pin.tries_left = 0;
  pin.blocked = true;
  pin.source = "pkcs11-flags";
  pin.max_length = 16;
  eport::drivers::TokenIdentity identity{
      "63c85daa",         "Alice", "SoftHSM v2", "SoftHSM project", "p11:softhsm:63c85daa", "pkcs11",
      "Virtual PCD 00 00"};
  eport::drivers::SlotInfo slot{"a1b2c3d4e5f60718293a4b5c6d7e8f9011223344", "signing key", true,
                                std::nullopt};
  wire::Writer w(wire::Type::result);
  wire::put(w, pin);
  wire::put(w, identity);
  wire::put(w, slot);
  w.str("\0secret", 7).bytes({1, 2, 3});
  const auto message = w.data();

  wire::Reader r(message);
  CHECK(r.type() == wire::Type::result);
  const auto pin2 = wire::get_pin_info(r);
  CHECK(pin2.tries_left == 0);
  CHECK(pin2.blocked == true);
  CHECK_FALSE(pin2.max_tries.has_value());
  CHECK_FALSE(pin2.is_default.has_value());
  CHECK(pin2.source == "pkcs11-flags");
  CHECK(pin2.max_length == 16);
  const auto identity2 = wire::get_identity(r);
  CHECK(identity2.key() == "p11:softhsm:63c85daa");
  CHECK(identity2.reader == "Virtual PCD 00 00");
  const auto slot2 = wire::get_slot_info(r);
  CHECK(slot2.slot == slot.slot);
  CHECK(slot2.has_certificate == true);
  CHECK_FALSE(slot2.has_key.has_value());
  CHECK(r.str() == std::string("\0secret", 7));
  CHECK(r.bytes() == std::vector<std::uint8_t>{1, 2, 3});
  CHECK_FALSE(r.bad());
}

TEST_CASE("a truncated message reads as bad, never past its end", "[providers][wire]") {
  wire::Writer w(wire::Type::result);
  w.str("a longer text");
  auto message = w.data();
  message.resize(message.size() - 3);
  wire::Reader r(message);
  r.type();
  CHECK(r.str().empty());
  CHECK(r.bad());
  CHECK(r.u32() == 0);
}

TEST_CASE("provider token ids keep the provider's colons", "[providers][ids]") {
  using eport::devices::provider_token_id;
  CHECK(provider_token_id("pkcs11", "p11:softhsm:63c85daa8f665c71", "63c85daa8f665c71") ==
        "p11:softhsm:63c85daa8f665c71");
  CHECK(provider_token_id("pkcs11", "p11:my module:a/b", "x") == "p11:my_module:a_b");
  CHECK(provider_token_id("skf", "", "SN 1") == "skf:SN_1");
}

TEST_CASE("a PKCS#11 slot description names its PC/SC reader", "[providers][ids]") {
  using eport::devices::same_reader;
  CHECK(same_reader("Virtual PCD 00 00", "Virtual PCD 00 00                               "));
  CHECK_FALSE(same_reader("Virtual PCD 00 01", "Virtual PCD 00 00"));
  CHECK_FALSE(same_reader("Virtual PCD 00 00", ""));
  CHECK_FALSE(same_reader("Virtual PCD 00 00", "Virtual PCD"));  // a short prefix is another reader
  const std::string long_name = "Vendor Reader With A Very Long Name For Its CCID Interface (SN 0042) 00 00";
  CHECK(same_reader(long_name, long_name.substr(0, 64)));  // PKCS#11 cuts it at 64 characters
}
