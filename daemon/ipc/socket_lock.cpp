#include "ipc/socket_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace eport::ipc {

namespace {
std::string read_small_file(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string value = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : std::string();
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}
}  // namespace

SocketLock::SocketLock(const std::string& socket_path) : path_(socket_path + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot open lock file " + path_ + ": " + std::strerror(errno) +
                             "; check that the socket's directory exists and is writable");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = read_small_file(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw std::runtime_error("another eportd" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                               " is already serving " + socket_path +
                               "; stop it first or give this one another socket with --socket");
    throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a hint for the message above; the lock itself is what matters.
  }
}

SocketLock::~SocketLock() {
  // The file stays: unlinking a lock file that others may have opened would let two daemons
  // lock two different files of the same name.
  if (fd_ >= 0) ::close(fd_);
}

void remove_stale_socket(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    throw std::runtime_error("cannot inspect " + path + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(info.st_mode))
    throw std::runtime_error(path +
                             " exists and is not a socket; eportd will not replace it. "
                             "Move it away or choose another path with --socket");
  if (::unlink(path.c_str()) != 0)
    throw std::runtime_error("cannot remove the stale socket " + path + ": " + std::strerror(errno));
}

}  // namespace eport::ipc
