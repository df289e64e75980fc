#pragma once
// Byte buffers shared by every part of the PIV driver, and the one type that holds secrets.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eport::piv {

/// A run of bytes: APDUs, TLV values, certificates.
using Bytes = std::vector<uint8_t>;

/// Overwrite a buffer with zeros in a way the optimiser keeps (OPENSSL_cleanse).
void wipe(void* data, size_t len);

/// Wipe every byte of a buffer, then empty it.
void wipe(Bytes& bytes);

/// Wipe every character of a string, then empty it.
void wipe(std::string& text);

/// A byte buffer that wipes itself when it goes away: PINs, PUKs, keys, and APDUs carrying them.
class SecureBytes {
 public:
  SecureBytes() = default;
  /// Copy `len` bytes from `data`.
  SecureBytes(const void* data, size_t len);
  /// Take over (and later wipe) an existing buffer.
  explicit SecureBytes(Bytes&& bytes) : bytes_(std::move(bytes)) {}
  SecureBytes(const SecureBytes&) = delete;
  SecureBytes& operator=(const SecureBytes&) = delete;
  SecureBytes(SecureBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
  SecureBytes& operator=(SecureBytes&& other) noexcept;
  ~SecureBytes() { wipe(bytes_); }

  /// The bytes (read-only view).
  const Bytes& bytes() const { return bytes_; }
  /// The bytes, for building a secret in place.
  Bytes& mutable_bytes() { return bytes_; }
  /// Number of bytes held.
  size_t size() const { return bytes_.size(); }
  /// Pointer to the first byte.
  const uint8_t* data() const { return bytes_.data(); }

 private:
  Bytes bytes_;
};

/// Lower-case hexadecimal text of `bytes` (no separators).
std::string to_hex(const uint8_t* data, size_t len);
/// Lower-case hexadecimal text of `bytes` (no separators).
inline std::string to_hex(const Bytes& bytes) { return to_hex(bytes.data(), bytes.size()); }

/// Parse hexadecimal text; spaces, tabs, new lines and ':' are skipped. False on any other
/// character or an odd number of digits. The result is written to `out` (a SecureBytes so that
/// a key read from a file never lingers).
bool from_hex(const std::string& text, SecureBytes& out);

}  // namespace eport::piv
