#include "bytes.hpp"

#include <openssl/crypto.h>

namespace eport::piv {

void wipe(void* data, size_t len) {
  if (data != nullptr && len > 0) {
    OPENSSL_cleanse(data, len);
  }
}

void wipe(Bytes& bytes) {
  wipe(bytes.data(), bytes.size());
  bytes.clear();
}

void wipe(std::string& text) {
  wipe(text.data(), text.size());
  text.clear();
}

SecureBytes::SecureBytes(const void* data, size_t len) {
  const auto* first = static_cast<const uint8_t*>(data);
  bytes_.assign(first, first + len);
}

SecureBytes& SecureBytes::operator=(SecureBytes&& other) noexcept {
  if (this != &other) {
    wipe(bytes_);
    bytes_ = std::move(other.bytes_);
  }
  return *this;
}

std::string to_hex(const uint8_t* data, size_t len) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(len * 2);
  for (size_t i = 0; i < len; ++i) {
    text.push_back(digits[data[i] >> 4]);
    text.push_back(digits[data[i] & 0x0f]);
  }
  return text;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool from_hex(const std::string& text, SecureBytes& out) {
  Bytes& bytes = out.mutable_bytes();
  wipe(bytes);
  bytes.reserve(text.size() / 2 + 1);  // no reallocation: no stray copies of a key
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':') continue;
    const int value = hex_value(c);
    if (value < 0) {
      wipe(bytes);
      return false;
    }
    if (high < 0) {
      high = value;
    } else {
      bytes.push_back(static_cast<uint8_t>((high << 4) | value));
      high = -1;
    }
  }
  if (high >= 0) {
    wipe(bytes);
    return false;
  }
  return true;
}

}  // namespace eport::piv
