#include "vcard_test_support.hpp"

#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include <eport/vcard/piv.hpp>

namespace vcard_test {

Bytes h(const std::string& hex) {
  Bytes out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

uint16_t sw_of(const Bytes& r) {
  REQUIRE(r.size() >= 2);
  return static_cast<uint16_t>(r[r.size() - 2] << 8 | r.back());
}

Bytes data_of(const Bytes& r) { return Bytes(r.begin(), r.end() - 2); }

Bytes cat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

eport::vcard::RandomSource counter_random() {
  auto counter = std::make_shared<uint8_t>(0);
  return [counter](uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = (*counter)++;
  };
}

eport::vcard::Card fresh_card() {
  auto state = eport::vcard::make_default_state(12345678, "88888888", "12345678", Bytes(16, 0x5A),
                                                1767225600 /* 2026-01-01 */);
  return eport::vcard::Card(state, counter_random(), [] { return std::time_t{1767225600}; });
}

Bytes apdu(uint8_t ins, uint8_t p1, uint8_t p2, const Bytes& data) {
  Bytes out{0x00, ins, p1, p2};
  if (!data.empty()) {
    out.push_back(static_cast<uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
  }
  return out;
}

Bytes verify_apdu(const std::string& pin) { return apdu(0x20, 0x00, 0x80, eport::vcard::pad_pin(pin)); }

Bytes transmit_all(eport::vcard::Card& card, const Bytes& command) {
  Bytes all;
  Bytes r = card.transmit(command);
  while (true) {
    Bytes d = data_of(r);
    all.insert(all.end(), d.begin(), d.end());
    if (r[r.size() - 2] != 0x61) break;
    r = card.transmit(h("00 C0 00 00 00"));
  }
  all.push_back(r[r.size() - 2]);
  all.push_back(r.back());
  return all;
}

Bytes ecb(uint8_t algorithm, const Bytes& key, const Bytes& block, bool encrypt) {
  namespace alg = eport::vcard::piv::alg;
  const EVP_CIPHER* cipher = algorithm == alg::tdes     ? EVP_des_ede3_ecb()
                             : algorithm == alg::aes128 ? EVP_aes_128_ecb()
                             : algorithm == alg::aes192 ? EVP_aes_192_ecb()
                                                        : EVP_aes_256_ecb();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(block.size() + 32);
  int len = 0;
  REQUIRE(EVP_CipherInit_ex(ctx, cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) == 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  REQUIRE(EVP_CipherUpdate(ctx, out.data(), &len, block.data(), static_cast<int>(block.size())) == 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(len));
  return out;
}

uint16_t mutual_auth(eport::vcard::Card& card, uint8_t algorithm, const Bytes& key) {
  std::size_t b = algorithm == eport::vcard::piv::alg::tdes ? 8 : 16;
  Bytes r = card.transmit(apdu(0x87, algorithm, 0x9B, h("7C 02 80 00")));
  if (sw_of(r) != 0x9000) return sw_of(r);
  REQUIRE(r.size() == 4 + b + 2);
  REQUIRE(r[0] == 0x7C);
  REQUIRE(r[2] == 0x80);
  Bytes encrypted(r.begin() + 4, r.begin() + 4 + static_cast<std::ptrdiff_t>(b));
  Bytes witness = ecb(algorithm, key, encrypted, false);
  Bytes challenge(b, 0xC3);
  Bytes inner = cat(cat(Bytes{0x80, static_cast<uint8_t>(b)}, witness),
                    cat(Bytes{0x81, static_cast<uint8_t>(b)}, challenge));
  Bytes body = cat(Bytes{0x7C, static_cast<uint8_t>(inner.size())}, inner);
  r = card.transmit(apdu(0x87, algorithm, 0x9B, body));
  if (sw_of(r) != 0x9000) return sw_of(r);
  // The card proves it knows the key too: 7C L 82 L E(challenge).
  REQUIRE(r.size() == 4 + b + 2);
  REQUIRE(r[2] == 0x82);
  REQUIRE(Bytes(r.begin() + 4, r.end() - 2) == ecb(algorithm, key, challenge, true));
  return 0x9000;
}

void admin(eport::vcard::Card& card) {
  REQUIRE(mutual_auth(card, 0x03, eport::vcard::piv::default_management_key()) == 0x9000);
}

}  // namespace vcard_test
