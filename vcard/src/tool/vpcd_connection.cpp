#include "vpcd_connection.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace eport::vcard::tool {

namespace {

struct AddrInfoFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

bool is_loopback(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  return false;
}

}  // namespace

std::optional<VpcdConnection> VpcdConnection::connect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  if (rc != 0) throw std::invalid_argument("--vpcd: cannot resolve " + host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  for (addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    if (!is_loopback(a->ai_addr)) {
      throw std::invalid_argument("--vpcd: " + host + " is not a loopback address; use 127.0.0.1");
    }
  }
  for (addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    VpcdConnection conn(fd);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) continue;
    // Without these every APDU waits for Nagle and delayed ACKs (~40 ms each way).
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn.quick_ack();
    return conn;
  }
  return std::nullopt;
}

VpcdConnection::VpcdConnection(VpcdConnection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

VpcdConnection& VpcdConnection::operator=(VpcdConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

VpcdConnection::~VpcdConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void VpcdConnection::quick_ack() {
  // Linux clears QUICKACK after use, so it is set again after every receive.
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

bool VpcdConnection::read_exact(uint8_t* out, std::size_t length, const volatile std::sig_atomic_t& stop) {
  std::size_t done = 0;
  while (done < length) {
    if (stop) return false;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 200);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) continue;
    ssize_t n = ::recv(fd_, out + done, length - done, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    quick_ack();
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::vector<uint8_t>> VpcdConnection::read_frame(const volatile std::sig_atomic_t& stop) {
  uint8_t header[2];
  if (!read_exact(header, 2, stop)) return std::nullopt;
  std::size_t length = static_cast<std::size_t>(header[0]) << 8 | header[1];
  std::vector<uint8_t> payload(length);
  if (length > 0 && !read_exact(payload.data(), length, stop)) return std::nullopt;
  return payload;
}

bool VpcdConnection::write_frame(const std::vector<uint8_t>& payload) {
  if (payload.size() > 0xFFFF) return false;
  std::vector<uint8_t> frame;
  frame.reserve(payload.size() + 2);
  frame.push_back(static_cast<uint8_t>(payload.size() >> 8));
  frame.push_back(static_cast<uint8_t>(payload.size()));
  frame.insert(frame.end(), payload.begin(), payload.end());
  std::size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace eport::vcard::tool
