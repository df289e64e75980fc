#include "providers/wire.hpp"

#include <string.h>  // explicit_bzero
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace eport::providers::wire {

namespace {

void put_optional(Writer& w, const std::optional<int>& value) { w.i32(value ? *value : -1); }
void put_optional(Writer& w, const std::optional<bool>& value) { w.i32(value ? (*value ? 1 : 0) : -1); }
std::optional<int> get_count(Reader& r) {
  const std::int32_t v = r.i32();
  return v >= 0 ? std::optional<int>(v) : std::nullopt;
}
std::optional<bool> get_flag(Reader& r) {
  const std::int32_t v = r.i32();
  if (v < 0) return std::nullopt;
  return v != 0;
}

}  // namespace

Writer::~Writer() {
  if (!data_.empty()) explicit_bzero(data_.data(), data_.size());
}

Writer& Writer::u8(std::uint8_t value) {
  data_.push_back(value);
  return *this;
}

Writer& Writer::u32(std::uint32_t value) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
  data_.insert(data_.end(), p, p + sizeof value);
  return *this;
}

Writer& Writer::u64(std::uint64_t value) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
  data_.insert(data_.end(), p, p + sizeof value);
  return *this;
}

Writer& Writer::str(const char* text, std::size_t size) {
  u32(static_cast<std::uint32_t>(size));
  if (size != 0) data_.insert(data_.end(), text, text + size);
  return *this;
}

Writer& Writer::bytes(const std::vector<std::uint8_t>& data) {
  u32(static_cast<std::uint32_t>(data.size()));
  data_.insert(data_.end(), data.begin(), data.end());
  return *this;
}

bool Reader::take(void* out, std::size_t size) {
  if (bad_ || data_.size() - at_ < size) {
    bad_ = true;
    std::memset(out, 0, size);
    return false;
  }
  std::memcpy(out, data_.data() + at_, size);
  at_ += size;
  return true;
}

std::uint8_t Reader::u8() {
  std::uint8_t v = 0;
  take(&v, sizeof v);
  return v;
}

std::uint32_t Reader::u32() {
  std::uint32_t v = 0;
  take(&v, sizeof v);
  return v;
}

std::uint64_t Reader::u64() {
  std::uint64_t v = 0;
  take(&v, sizeof v);
  return v;
}

std::string Reader::str() {
  const std::uint32_t size = u32();
  if (bad_ || data_.size() - at_ < size) {
    bad_ = true;
    return {};
  }
  std::string text(reinterpret_cast<const char*>(data_.data() + at_), size);
  at_ += size;
  return text;
}

std::vector<std::uint8_t> Reader::bytes() {
  const std::uint32_t size = u32();
  if (bad_ || data_.size() - at_ < size) {
    bad_ = true;
    return {};
  }
  std::vector<std::uint8_t> out(data_.begin() + static_cast<std::ptrdiff_t>(at_),
                                data_.begin() + static_cast<std::ptrdiff_t>(at_ + size));
  at_ += size;
  return out;
}

bool send_message(int fd, const std::vector<std::uint8_t>& message) {
  for (;;) {
    const ssize_t n = ::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n) == message.size();
    if (errno != EINTR) return false;
  }
}

Received receive_message(int fd, std::vector<std::uint8_t>& message) {
  message.resize(kMaxMessage);
  for (;;) {
    const ssize_t n = ::recv(fd, message.data(), message.size(), MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return Received::closed;
    if (n < 0 || static_cast<std::size_t>(n) > kMaxMessage) {
      message.clear();
      return errno == ECONNRESET ? Received::closed : Received::failed;
    }
    message.resize(static_cast<std::size_t>(n));
    return Received::message;
  }
}

void put(Writer& w, const drivers::TokenIdentity& v) {
  w.str(v.serial).str(v.label).str(v.model).str(v.manufacturer).str(v.id).str(v.kind).str(v.reader);
}

void put(Writer& w, const drivers::PinInfo& v) {
  put_optional(w, v.tries_left);
  put_optional(w, v.max_tries);
  put_optional(w, v.is_default);
  put_optional(w, v.blocked);
  w.str(v.source).str(v.max_source);
  put_optional(w, v.min_length);
  put_optional(w, v.max_length);
  w.str(v.state);
}

void put(Writer& w, const drivers::SlotInfo& v) {
  w.str(v.slot).str(v.label);
  put_optional(w, v.has_certificate);
  put_optional(w, v.has_key);
}

void put(Writer& w, const drivers::DriverInfo& v) {
  w.str(v.name).str(v.version).str(v.abi).str(v.library).str(v.kind).u64(v.capability_bits);
  w.u32(static_cast<std::uint32_t>(v.capabilities.size()));
  for (const auto& c : v.capabilities) w.str(c);
}

drivers::TokenIdentity get_identity(Reader& r) {
  drivers::TokenIdentity v;
  v.serial = r.str();
  v.label = r.str();
  v.model = r.str();
  v.manufacturer = r.str();
  v.id = r.str();
  v.kind = r.str();
  v.reader = r.str();
  return v;
}

drivers::PinInfo get_pin_info(Reader& r) {
  drivers::PinInfo v;
  v.tries_left = get_count(r);
  v.max_tries = get_count(r);
  v.is_default = get_flag(r);
  v.blocked = get_flag(r);
  v.source = r.str();
  v.max_source = r.str();
  v.min_length = get_count(r);
  v.max_length = get_count(r);
  v.state = r.str();
  return v;
}

drivers::SlotInfo get_slot_info(Reader& r) {
  drivers::SlotInfo v;
  v.slot = r.str();
  v.label = r.str();
  v.has_certificate = get_flag(r);
  v.has_key = get_flag(r);
  return v;
}

drivers::DriverInfo get_driver_info(Reader& r) {
  drivers::DriverInfo v;
  v.name = r.str();
  v.version = r.str();
  v.abi = r.str();
  v.library = r.str();
  v.kind = r.str();
  v.capability_bits = r.u64();
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.bad(); ++i) v.capabilities.push_back(r.str());
  return v;
}

}  // namespace eport::providers::wire
