#pragma once
// The messages between eportd and a provider helper process (`eportd --provider-host FD`):
// one SOCK_SEQPACKET datagram per message, fields in host byte order (both ends are the same
// binary on the same machine). Internal to eport_providers.

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/types.hpp"

namespace eport::providers::wire {

/// What a message is.
enum class Type : std::uint8_t {
  hello = 1,         ///< daemon -> helper: load this plug-in
  hello_result = 2,  ///< helper -> daemon: loaded (DriverInfo) or not (reason)
  call = 3,          ///< daemon -> helper: one ABI operation
  result = 4,        ///< helper -> daemon: its answer
  log = 5,           ///< helper -> daemon: one log line
  status = 6,        ///< helper -> daemon: the plug-in's report_status object changed
  shutdown = 7,      ///< daemon -> helper: close every token, shut the plug-in down, exit
};

/// Which ABI operation a call is.
enum class Op : std::uint8_t {
  enumerate = 1,
  wait_change,
  open,
  close,
  identify,
  pin_status,
  pin_reset,
  pin_change,
  cert_list,
  cert_read,
  cert_write,
  slot_public_key,
  pin_verify,  ///< ABI 1.1
  wake,        ///< ends the wait_change in progress (no answer; internal, not a plug-in call)
};

/// Largest message either side sends or accepts (a 64 KiB certificate plus headers).
constexpr std::size_t kMaxMessage = 256 * 1024;

/// Builds one message. Wipes its buffer on destruction (calls may carry a PIN).
class Writer {
 public:
  /// Starts a message of `type`.
  explicit Writer(Type type) { u8(static_cast<std::uint8_t>(type)); }
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Appends one byte.
  Writer& u8(std::uint8_t value);
  /// Appends 4 bytes.
  Writer& u32(std::uint32_t value);
  /// Appends 4 bytes.
  Writer& i32(std::int32_t value) { return u32(static_cast<std::uint32_t>(value)); }
  /// Appends 8 bytes.
  Writer& u64(std::uint64_t value);
  /// Appends a length and the bytes.
  Writer& str(const std::string& text) { return str(text.data(), text.size()); }
  /// Appends a length and `size` bytes of `text` (a secret: not copied anywhere else).
  Writer& str(const char* text, std::size_t size);
  /// Appends a length and the bytes.
  Writer& bytes(const std::vector<std::uint8_t>& data);
  /// The message so far.
  const std::vector<std::uint8_t>& data() const { return data_; }

 private:
  std::vector<std::uint8_t> data_;
};

/// Reads one message; a short or malformed message sets bad() and yields zero values.
class Reader {
 public:
  /// Reads `data` (not copied: it must outlive the reader).
  explicit Reader(const std::vector<std::uint8_t>& data) : data_(data) {}
  /// The message's type (its first byte).
  Type type() { return static_cast<Type>(u8()); }
  /// Next byte.
  std::uint8_t u8();
  /// Next 4 bytes.
  std::uint32_t u32();
  /// Next 4 bytes.
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  /// Next 8 bytes.
  std::uint64_t u64();
  /// Next length-prefixed text.
  std::string str();
  /// Next length-prefixed bytes.
  std::vector<std::uint8_t> bytes();
  /// True once a read went past the end.
  bool bad() const { return bad_; }
  /// Bytes read so far.
  std::size_t offset() const { return at_; }

 private:
  bool take(void* out, std::size_t size);
  const std::vector<std::uint8_t>& data_;
  std::size_t at_ = 0;
  bool bad_ = false;
};

/// Sends one message (never raises SIGPIPE). False when the peer is gone.
bool send_message(int fd, const std::vector<std::uint8_t>& message);

/// How receive_message ended.
enum class Received { message, closed, failed };

/// Waits for one message (EINTR is retried). `closed` when the peer is gone.
Received receive_message(int fd, std::vector<std::uint8_t>& message);

/// Writes the C++ views of ABI values (drivers/types.hpp) into a message, and back.
void put(Writer& w, const drivers::TokenIdentity& value);
/// See put(TokenIdentity).
void put(Writer& w, const drivers::PinInfo& value);
/// See put(TokenIdentity).
void put(Writer& w, const drivers::SlotInfo& value);
/// See put(TokenIdentity).
void put(Writer& w, const drivers::DriverInfo& value);
/// Reads what put() wrote.
drivers::TokenIdentity get_identity(Reader& r);
/// Reads what put() wrote.
drivers::PinInfo get_pin_info(Reader& r);
/// Reads what put() wrote.
drivers::SlotInfo get_slot_info(Reader& r);
/// Reads what put() wrote.
drivers::DriverInfo get_driver_info(Reader& r);

}  // namespace eport::providers::wire
