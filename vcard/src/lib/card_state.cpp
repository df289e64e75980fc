#include <eport/vcard/card_state.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

#include "eport/common/unique_fd.hpp"
#include "hex.hpp"

namespace eport::vcard {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "eport-vcard-state";
constexpr int kFormatVersion = 1;

Bytes be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
          static_cast<uint8_t>(v)};
}

json credential_json(const Credential& c) {
  return {{"hash", to_hex(c.hash)},
          {"default_hash", to_hex(c.default_hash)},
          {"max_tries", c.max_tries},
          {"remaining", c.remaining}};
}

Credential credential_from(const json& j) {
  Credential c;
  c.hash = from_hex(j.at("hash").get<std::string>());
  c.default_hash = from_hex(j.at("default_hash").get<std::string>());
  c.max_tries = j.at("max_tries").get<uint8_t>();
  c.remaining = j.at("remaining").get<uint8_t>();
  return c;
}

std::string tag_hex(uint32_t tag) {
  Bytes b;
  if (tag > 0xFFFF) b.push_back(static_cast<uint8_t>(tag >> 16));
  if (tag > 0xFF) b.push_back(static_cast<uint8_t>(tag >> 8));
  b.push_back(static_cast<uint8_t>(tag));
  return to_hex(b);
}

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("cannot write", path);
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

Bytes pad_pin(const std::string& pin) {
  Bytes out(pin.begin(), pin.end());
  if (out.size() < 8) out.resize(8, 0xFF);
  return out;
}

Bytes credential_hash(const Bytes& salt, const Bytes& padded) {
  Bytes input = salt;
  input.insert(input.end(), padded.begin(), padded.end());
  return sha256(input);
}

Bytes make_chuid(uint32_t serial, std::time_t now) {
  // FASC-N as YubiKeys ship it: agency 9999, system 9999, credential 999999.
  static const Bytes fascn{0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68,
                           0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB};
  Bytes guid{'e', 'p', 'o', 'r', 't', '-', 'v', 'c', 'a', 'r', 'd', 0};
  Bytes s = be32(serial);
  guid.insert(guid.end(), s.begin(), s.end());
  std::time_t expiry = now + 10LL * 366 * 24 * 3600;
  std::tm tm{};
  gmtime_r(&expiry, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  Bytes inner;
  append_tlv(inner, 0x30, fascn);
  append_tlv(inner, 0x34, guid);
  append_tlv(inner, 0x35, Bytes(date, date + 8));
  append_tlv(inner, 0x3E, {});
  append_tlv(inner, 0xFE, {});
  return make_tlv(0x53, inner);
}

Bytes make_ccc(uint32_t serial) {
  Bytes card_id{0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02};
  card_id.resize(17, 0x00);
  Bytes s = be32(serial);
  card_id.insert(card_id.end(), s.begin(), s.end());
  Bytes inner;
  append_tlv(inner, 0xF0, card_id);
  append_tlv(inner, 0xF1, {0x21});
  append_tlv(inner, 0xF2, {0x21});
  append_tlv(inner, 0xF3, {});
  append_tlv(inner, 0xF4, {0x00});
  append_tlv(inner, 0xF5, {0x10});
  for (uint32_t tag : {0xF6u, 0xF7u, 0xFAu, 0xFBu, 0xFCu, 0xFDu, 0xFEu}) append_tlv(inner, tag, {});
  return make_tlv(0x53, inner);
}

CardState make_default_state(uint32_t serial, const std::string& pin, const std::string& puk,
                             const Bytes& salt, std::time_t now) {
  CardState s;
  s.serial = serial;
  s.salt = salt;
  s.pin.hash = s.pin.default_hash = credential_hash(salt, pad_pin(pin));
  s.puk.hash = s.puk.default_hash = credential_hash(salt, pad_pin(puk));
  s.management_algorithm = piv::alg::tdes;
  s.management_key = piv::default_management_key();
  s.objects[0x5FC102] = make_chuid(serial, now);
  s.objects[0x5FC107] = make_ccc(serial);
  return s;
}

std::string state_to_json(const CardState& s) {
  json keys = json::object();
  for (const auto& [slot, key] : s.keys) {
    keys[to_hex({slot})] = {{"algorithm", key.algorithm},
                            {"pin_policy", key.pin_policy},
                            {"touch_policy", key.touch_policy},
                            {"origin", key.origin},
                            {"private_key_pkcs8", to_hex(key.private_der)}};
  }
  json objects = json::object();
  for (const auto& [tag, value] : s.objects) objects[tag_hex(tag)] = to_hex(value);
  json j = {{"format", kFormat},
            {"format_version", kFormatVersion},
            {"serial", s.serial},
            {"version", {s.version[0], s.version[1], s.version[2]}},
            {"salt", to_hex(s.salt)},
            {"pin", credential_json(s.pin)},
            {"puk", credential_json(s.puk)},
            {"management_key", {{"algorithm", s.management_algorithm}, {"key", to_hex(s.management_key)}}},
            {"keys", keys},
            {"objects", objects},
            {"plain_piv", s.plain_piv}};
  return j.dump(2) + "\n";
}

CardState state_from_json(const std::string& text) {
  try {
    json j = json::parse(text);
    if (j.at("format") != kFormat || j.at("format_version") != kFormatVersion) {
      throw std::runtime_error("not an eport-vcard state (format/format_version)");
    }
    CardState s;
    s.serial = j.at("serial").get<uint32_t>();
    auto v = j.at("version");
    s.version = {v.at(0).get<uint8_t>(), v.at(1).get<uint8_t>(), v.at(2).get<uint8_t>()};
    s.salt = from_hex(j.at("salt").get<std::string>());
    s.pin = credential_from(j.at("pin"));
    s.puk = credential_from(j.at("puk"));
    s.management_algorithm = j.at("management_key").at("algorithm").get<uint8_t>();
    s.management_key = from_hex(j.at("management_key").at("key").get<std::string>());
    if (piv::management_key_length(s.management_algorithm) != s.management_key.size()) {
      throw std::runtime_error("management key length does not fit its algorithm");
    }
    for (const auto& [slot, k] : j.at("keys").items()) {
      SlotKey key{k.at("algorithm").get<uint8_t>(), k.at("pin_policy").get<uint8_t>(),
                  k.at("touch_policy").get<uint8_t>(), k.at("origin").get<uint8_t>(),
                  from_hex(k.at("private_key_pkcs8").get<std::string>())};
      s.keys[from_hex(slot).at(0)] = std::move(key);
    }
    s.plain_piv = j.value("plain_piv", false);  // absent in files written before it existed
    for (const auto& [tag, value] : j.at("objects").items()) {
      uint32_t t = 0;
      for (uint8_t b : from_hex(tag)) t = t << 8 | b;
      s.objects[t] = from_hex(value.get<std::string>());
    }
    return s;
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("invalid state: ") + e.what());
  }
}

CardState load_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open the card state " + path + ": " + std::strerror(errno) +
                             " (create it with eport-vcard init --state " + path + ")");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return state_from_json(buffer.str());
  } catch (const std::exception& e) {
    throw std::runtime_error("card state " + path + ": " + e.what() +
                             " (re-create it with eport-vcard init)");
  }
}

void save_state(const std::string& path, const CardState& state) {
  std::string text = state_to_json(state);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) fail_errno("cannot create", tmp);
  try {
    if (::fchmod(fd.get(), 0600) != 0) fail_errno("cannot chmod", tmp);
    write_all(fd.get(), text, tmp);
    if (::fsync(fd.get()) != 0) fail_errno("cannot fsync", tmp);
  } catch (...) {
    fd.reset();
    ::unlink(tmp.c_str());
    throw;
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    fail_errno("cannot replace", path);
  }
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  if (UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dfd) ::fsync(dfd.get());
}

}  // namespace eport::vcard
