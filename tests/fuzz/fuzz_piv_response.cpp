// Fuzz target: the PIV plug-in's response parsing, driven through its public functions with a
// scripted card channel. The input is a script of card answers: each is a 2-byte big-endian
// length and that many bytes (data + SW1 SW2). The plug-in selects the applet, reads the CHUID,
// the key history, certificate objects (GET DATA with 61xx chaining; gzip-compressed objects),
// PIN/PUK metadata, the serial and the PIN status, as it does for token.status.
#include <cstdint>
#include <cstring>
#include <exception>

#include "apdu_channel.hpp"
#include "card_data.hpp"
#include "cert_object.hpp"
#include "piv_card.hpp"
#include "tlv.hpp"

namespace {

using namespace eport::piv;

/// Hands out the scripted answers in order; an exhausted script answers 6A82 (not found).
class Script {
 public:
  Script(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  int32_t transmit(const uint8_t*, size_t, uint8_t* response, size_t* response_len) {
    if (offset_ + 2 > size_)
      return answer(response, response_len, reinterpret_cast<const uint8_t*>("\x6a\x82"), 2);
    std::size_t length = (static_cast<std::size_t>(data_[offset_]) << 8) | data_[offset_ + 1];
    offset_ += 2;
    length = std::min(length, size_ - offset_);
    const uint8_t* bytes = data_ + offset_;
    offset_ += length;
    return answer(response, response_len, bytes, length);
  }

 private:
  static int32_t answer(uint8_t* response, size_t* response_len, const uint8_t* bytes, size_t length) {
    if (length > *response_len) return -1;  // the host refuses answers beyond its buffer
    if (length > 0) std::memcpy(response, bytes, length);
    *response_len = length;
    return 0;
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

template <typename Step>
void attempt(Step step) {
  try {
    step();
  } catch (const std::exception&) {
    // PivError and friends are the plug-in's documented way to refuse bad answers.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The pure parsers on the raw input.
  attempt([&] { decode_tlv_list(data, size); });
  const Bytes raw(data, data + size);
  attempt([&] { parse_metadata(raw); });
  attempt([&] { parse_key_history(raw); });
  attempt([&] { serial_from_chuid(raw); });
  attempt([&] { parse_certificate_object(raw); });
  attempt([&] { inflate_bounded(data, size, 64 * 1024); });

  // The card conversation, answered by the script.
  Script script(data, size);
  ApduChannel channel([&script](const uint8_t* c, size_t cl, uint8_t* r, size_t* rl) {
    return script.transmit(c, cl, r, rl);
  });
  PivCard card(channel);
  attempt([&] { card.select(); });
  attempt([&] { serial_from_chuid(card.get_data(0x5FC102).data); });
  attempt([&] { parse_key_history(card.get_data(0x5FC10C).data); });
  for (uint32_t tag : {0x5FC105u, 0x5FC10Au})
    attempt([&] { parse_certificate_object(card.get_data(tag).data); });
  attempt([&] { card.get_metadata(0x80); });
  attempt([&] { card.get_metadata(0x81); });
  attempt([&] { card.get_serial(); });
  attempt([&] { card.verify_status(); });
  return 0;
}
