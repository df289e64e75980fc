#pragma once
// Helpers for driving eport::vcard::Card in tests; crypto here is computed independently
// with OpenSSL so that a wrong card implementation cannot agree with itself.
#include <cstdint>
#include <string>

#include <eport/vcard/card.hpp>

namespace vcard_test {

using eport::vcard::Bytes;

/// Parses hex with optional spaces.
Bytes h(const std::string& hex);
/// The status word at the end of a response.
uint16_t sw_of(const Bytes& response);
/// The response without its status word.
Bytes data_of(const Bytes& response);
/// Concatenates.
Bytes cat(const Bytes& a, const Bytes& b);
/// A deterministic random source (counter bytes).
eport::vcard::RandomSource counter_random();
/// A factory-fresh card: serial 12345678, PIN 88888888, PUK 12345678, default 3DES key.
eport::vcard::Card fresh_card();
/// APDU `00 ins p1 p2 Lc data` (no Le).
Bytes apdu(uint8_t ins, uint8_t p1, uint8_t p2, const Bytes& data);
/// VERIFY of a PIN (padded to 8 bytes with FF).
Bytes verify_apdu(const std::string& pin);
/// Sends a command and follows 61xx with GET RESPONSE; returns all data + final SW.
Bytes transmit_all(eport::vcard::Card& card, const Bytes& command);
/// Block-cipher ECB decrypt/encrypt with the given management algorithm, via OpenSSL.
Bytes ecb(uint8_t algorithm, const Bytes& key, const Bytes& block, bool encrypt);
/// Mutual management-key authentication computed independently; returns the final SW.
uint16_t mutual_auth(eport::vcard::Card& card, uint8_t algorithm, const Bytes& key);
/// Authenticates with the default 3DES key and REQUIREs success.
void admin(eport::vcard::Card& card);

}  // namespace vcard_test
