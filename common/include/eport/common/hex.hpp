#pragma once
// Lower-case hex: the one encoder of eportd and eportctl. (eport-vcard and the PIV plug-in are
// other binaries with one encoder each: the card is the driver's independent test oracle.)

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eport {

/// Lower-case hex of `size` bytes at `data`, without separators ("" for none).
inline std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

/// Lower-case hex of `bytes`, without separators ("" for none).
inline std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  return to_hex(bytes.data(), bytes.size());
}

}  // namespace eport
