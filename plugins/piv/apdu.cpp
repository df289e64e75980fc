#include "apdu.hpp"

#include <algorithm>
#include <stdexcept>

namespace eport::piv {

Bytes encode_command(const Command& command) {
  if (command.data.size() > kMaxChunk) {
    throw std::logic_error("encode_command: data longer than 255 bytes must be chained");
  }
  Bytes out;
  out.reserve(5 + command.data.size() + 1);
  out.push_back(command.cla);
  out.push_back(command.ins);
  out.push_back(command.p1);
  out.push_back(command.p2);
  if (!command.data.empty()) {
    out.push_back(static_cast<uint8_t>(command.data.size()));
    out.insert(out.end(), command.data.begin(), command.data.end());
  }
  if (command.le != kNoLe) {
    out.push_back(static_cast<uint8_t>(command.le >= kLeMax ? 0 : command.le));
  }
  return out;
}

std::vector<Command> chain_commands(const Command& command) {
  std::vector<Command> chain;
  if (command.data.size() <= kMaxChunk) {
    chain.push_back(command);
    return chain;
  }
  size_t offset = 0;
  while (offset < command.data.size()) {
    const size_t take = std::min(kMaxChunk, command.data.size() - offset);
    const bool last = offset + take == command.data.size();
    Command part;  // not a copy of `command`: its whole (maybe secret) data would linger
    part.cla = command.cla;
    part.ins = command.ins;
    part.p1 = command.p1;
    part.p2 = command.p2;
    part.le = command.le;
    part.secret = command.secret;
    part.fetch_more = command.fetch_more;
    part.data.assign(command.data.begin() + static_cast<std::ptrdiff_t>(offset),
                     command.data.begin() + static_cast<std::ptrdiff_t>(offset + take));
    if (!last) {
      part.cla = static_cast<uint8_t>(command.cla | 0x10);
      part.le = kNoLe;
    }
    chain.push_back(std::move(part));
    offset += take;
  }
  return chain;
}

Command get_response_command(uint8_t sw2) {
  Command command;
  command.ins = 0xC0;
  command.le = sw2 == 0 ? kLeMax : sw2;
  return command;
}

bool parse_response(const uint8_t* raw, size_t len, Response& out) {
  if (len < 2) return false;
  out.data.assign(raw, raw + len - 2);
  out.sw = static_cast<uint16_t>((raw[len - 2] << 8) | raw[len - 1]);
  return true;
}

}  // namespace eport::piv
