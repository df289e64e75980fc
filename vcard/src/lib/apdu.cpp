#include <eport/vcard/apdu.hpp>

namespace eport::vcard {

namespace {

std::size_t short_le(uint8_t byte) { return byte == 0 ? 256 : byte; }

std::optional<CommandApdu> parse_extended(CommandApdu cmd, const Bytes& apdu) {
  // 00 hi lo: either Le alone (7 bytes) or Lc, data and an optional 2-byte Le.
  std::size_t n = apdu.size();
  std::size_t value = (static_cast<std::size_t>(apdu[5]) << 8) | apdu[6];
  if (n == 7) {
    cmd.le = value == 0 ? 65536 : value;
    return cmd;
  }
  if (value == 0 || n < 7 + value) return std::nullopt;
  cmd.data.assign(apdu.begin() + 7, apdu.begin() + 7 + static_cast<std::ptrdiff_t>(value));
  std::size_t rest = n - 7 - value;
  if (rest == 2) {
    std::size_t le = (static_cast<std::size_t>(apdu[n - 2]) << 8) | apdu[n - 1];
    cmd.le = le == 0 ? 65536 : le;
  } else if (rest != 0) {
    return std::nullopt;
  }
  return cmd;
}

}  // namespace

std::optional<CommandApdu> parse_command(const Bytes& apdu) {
  if (apdu.size() < 4) return std::nullopt;
  CommandApdu cmd;
  cmd.cla = apdu[0];
  cmd.ins = apdu[1];
  cmd.p1 = apdu[2];
  cmd.p2 = apdu[3];
  std::size_t n = apdu.size();
  if (n == 4) return cmd;
  if (n == 5) {
    cmd.le = short_le(apdu[4]);
    return cmd;
  }
  if (apdu[4] == 0 && n >= 7) return parse_extended(cmd, apdu);
  std::size_t lc = apdu[4];
  if (n == 5 + lc) {
    cmd.data.assign(apdu.begin() + 5, apdu.end());
  } else if (n == 6 + lc) {
    cmd.data.assign(apdu.begin() + 5, apdu.end() - 1);
    cmd.le = short_le(apdu.back());
  } else {
    return std::nullopt;
  }
  return cmd;
}

}  // namespace eport::vcard
