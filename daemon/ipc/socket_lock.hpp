#pragma once
// Safe take-over of the socket path: `<socket>.lock` is flock()ed for the daemon's lifetime, so
// a second eportd on the same socket is refused, and a socket file left by a dead eportd is
// recognised as stale (nobody holds the lock) and replaced.

#include <string>

namespace eport::ipc {

/// Holds the lock on `<socket>.lock` until destroyed.
class SocketLock {
 public:
  /// Takes the lock; throws std::runtime_error saying which process holds it and what to do.
  explicit SocketLock(const std::string& socket_path);
  ~SocketLock();
  SocketLock(const SocketLock&) = delete;
  SocketLock& operator=(const SocketLock&) = delete;

  /// Path of the lock file.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// Removes a stale socket file at `path` (call with the lock held). Throws when `path` exists
/// and is not a socket: eportd never deletes a file it did not create.
void remove_stale_socket(const std::string& path);

}  // namespace eport::ipc
