#pragma once
// One TCP connection to vpcd: length-prefixed frames, loopback only (program-private).
#include <atomic>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eport::vcard::tool {

/// A connected vpcd socket; closes on destruction.
class VpcdConnection {
 public:
  /// Connects to host:port; nullopt when refused. Throws std::invalid_argument for a
  /// host that is not a loopback address.
  static std::optional<VpcdConnection> connect(const std::string& host, uint16_t port);

  VpcdConnection(VpcdConnection&& other) noexcept;
  VpcdConnection& operator=(VpcdConnection&& other) noexcept;
  VpcdConnection(const VpcdConnection&) = delete;
  VpcdConnection& operator=(const VpcdConnection&) = delete;
  ~VpcdConnection();

  /// Reads one frame (2-byte length, then exactly that many bytes). nullopt when vpcd closed
  /// the connection, on error, or when `stop` became true while waiting.
  std::optional<std::vector<uint8_t>> read_frame(const volatile std::sig_atomic_t& stop);
  /// Sends one frame; false when the connection is gone.
  bool write_frame(const std::vector<uint8_t>& payload);

 private:
  explicit VpcdConnection(int fd) : fd_(fd) {}
  bool read_exact(uint8_t* out, std::size_t length, const volatile std::sig_atomic_t& stop);
  void quick_ack();
  int fd_ = -1;
};

}  // namespace eport::vcard::tool
