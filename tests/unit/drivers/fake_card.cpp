#include "fake_card.hpp"

#include <algorithm>

namespace eport::drivers::test {

namespace {

std::vector<std::uint8_t> sw(std::uint16_t word) {
  return {static_cast<std::uint8_t>(word >> 8), static_cast<std::uint8_t>(word & 0xFF)};
}

std::vector<std::uint8_t> padded(const std::string& pin) {
  std::vector<std::uint8_t> out(pin.begin(), pin.end());
  out.resize(8, 0xFF);
  return out;
}

std::string unpadded(const std::vector<std::uint8_t>& field) {
  std::string out(field.begin(), field.end());
  return out.substr(0, out.find('\xFF'));
}

}  // namespace

std::vector<std::uint8_t> FakeCard::verify_status(std::uint8_t reference) const {
  const int tries = reference == 0x80 ? pin_tries : puk_tries;
  return tries == 0 ? sw(0x6983) : sw(static_cast<std::uint16_t>(0x63C0 | tries));
}

std::vector<std::uint8_t> FakeCard::check(std::string& secret, int& tries,
                                          const std::vector<std::uint8_t>& given) {
  if (tries == 0) return sw(0x6983);
  if (given != padded(secret)) {
    --tries;
    return tries == 0 ? sw(0x6983) : sw(static_cast<std::uint16_t>(0x63C0 | tries));
  }
  tries = 3;
  return sw(0x9000);
}

std::vector<std::uint8_t> FakeCard::object_command(const std::vector<std::uint8_t>& c) {
  if (c[1] == 0xB1) {  // OBJECT SIZE
    auto it = objects.find(c[3]);
    if (it == objects.end()) return sw(0x6A82);
    auto out = std::vector<std::uint8_t>{static_cast<std::uint8_t>(it->second.size() >> 8),
                                         static_cast<std::uint8_t>(it->second.size() & 0xFF)};
    out.insert(out.end(), {0x90, 0x00});
    return out;
  }
  if (c[1] == 0xB0) {  // READ CHUNK
    auto it = objects.find(c[2]);
    const std::size_t offset = static_cast<std::size_t>(c[3]) * 256;
    if (it == objects.end() || offset >= it->second.size()) return sw(0x6A82);
    const std::size_t n = std::min<std::size_t>(256, it->second.size() - offset);
    std::vector<std::uint8_t> out(it->second.begin() + static_cast<long>(offset),
                                  it->second.begin() + static_cast<long>(offset + n));
    out.insert(out.end(), {0x90, 0x00});
    return out;
  }
  if (c[1] == 0x87) {  // AUTHENTICATE
    authenticated_ = std::vector<std::uint8_t>(c.begin() + 5, c.end()) == management_key;
    return authenticated_ ? sw(0x9000) : sw(0x6982);
  }
  if (c[1] == 0xDB) {  // PUT OBJECT
    if (!authenticated_) return sw(0x6982);
    objects[c[3]] = std::vector<std::uint8_t>(c.begin() + 5, c.end());
    return sw(0x9000);
  }
  return sw(0x6D00);
}

Status FakeCard::transmit(const std::vector<std::uint8_t>& command, std::vector<std::uint8_t>& response) {
  if (removed) return Status::CardRemoved;
  log.push_back(command);
  const auto& c = command;
  if (c.size() < 4) {
    response = sw(0x6700);
  } else if (c[0] == 0x00 && c[1] == 0xA4) {
    const std::vector<std::uint8_t> aid{0xF0, 0x45, 0x50, 0x4F, 0x52};
    response = c.size() == 10 && std::equal(aid.begin(), aid.end(), c.begin() + 5) ? sw(0x9000) : sw(0x6A82);
  } else if (c[0] == 0x80 && c[1] == 0xCA) {
    response = serial;
    response.insert(response.end(), {0x90, 0x00});
  } else if (c[1] == 0x20 && c.size() == 4) {
    response = verify_status(c[3]);
  } else if (c[1] == 0x2C && c.size() == 21) {
    response = check(puk, puk_tries, {c.begin() + 5, c.begin() + 13});
    if (response == sw(0x9000)) {
      pin = unpadded({c.begin() + 13, c.end()});
      pin_tries = 3;
    }
  } else if (c[1] == 0x24 && c.size() == 21) {
    std::string& secret = c[3] == 0x80 ? pin : puk;
    int& tries = c[3] == 0x80 ? pin_tries : puk_tries;
    response = check(secret, tries, {c.begin() + 5, c.begin() + 13});
    if (response == sw(0x9000)) secret = unpadded({c.begin() + 13, c.end()});
  } else {
    response = object_command(c);
  }
  return Status::Ok;
}

}  // namespace eport::drivers::test
