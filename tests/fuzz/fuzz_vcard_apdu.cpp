// Fuzz target: eport-vcard's APDU handler (vcard/): a personalised card answers a sequence of
// command APDUs taken from the input (each: 1-byte length, then that many bytes), with
// deterministic randomness and clock. Crashes, leaks and UB are findings; every answer must end
// in a status word.
#include <cstdint>
#include <cstdlib>

#include "eport/vcard/card.hpp"
#include "eport/vcard/card_state.hpp"

namespace {
eport::vcard::CardState initial_state() {
  const eport::vcard::Bytes salt(16, 0x5a);
  return eport::vcard::make_default_state(123456, "123456", "12345678", salt, 1798761600);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto state = initial_state();
  eport::vcard::Card card(
      state, [](std::uint8_t* out, std::size_t n) { std::fill(out, out + n, 0x42); },
      [] { return static_cast<std::time_t>(1798761600); });
  std::size_t offset = 0;
  while (offset < size) {
    const std::size_t length = std::min<std::size_t>(data[offset], size - offset - 1);
    ++offset;
    const eport::vcard::Bytes apdu(data + offset, data + offset + length);
    offset += length;
    const auto response = card.transmit(apdu);
    if (response.size() < 2) std::abort();  // every answer carries SW1 SW2
  }
  return 0;
}
