#pragma once
// The owner of one POSIX file descriptor: closed when the owner goes, never twice.

#include <unistd.h>

#include <utility>

namespace eport {

/// Owns a file descriptor (-1 = none); move-only.
class UniqueFd {
 public:
  /// Owns nothing.
  UniqueFd() = default;
  /// Takes ownership of `fd` (-1 or any negative value = nothing).
  explicit UniqueFd(int fd) : fd_(fd < 0 ? -1 : fd) {}
  /// Closes the descriptor it owns.
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  /// Takes over `other`'s descriptor.
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  /// Closes its own descriptor and takes over `other`'s.
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }

  /// The descriptor (-1 when none); still owned.
  int get() const { return fd_; }
  /// True when it owns a descriptor.
  explicit operator bool() const { return fd_ >= 0; }
  /// Gives the descriptor up without closing it.
  int release() { return std::exchange(fd_, -1); }
  /// Closes the owned descriptor (if any) and owns `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd < 0 ? -1 : fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace eport
