#include "mgmt_key_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "piv_error.hpp"

namespace eport::piv {

namespace {
// A hex key of 32 bytes plus generous whitespace; anything bigger is not a key file.
constexpr size_t kMaxKeyFile = 4096;

/// Closes a file descriptor on every path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};
}  // namespace

bool key_file_usable(int fd, const std::string& path, std::string& error) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = "cannot stat management key file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "management key file " + path + " is not a regular file";
    return false;
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    error = "management key file " + path + " is owned by uid " + std::to_string(st.st_uid) +
            ": it must belong to root or to eportd's user (chown root " + path + ")";
    return false;
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    error = "management key file " + path + " can be read or written by its group or others (mode " + mode +
            "): chmod 600 " + path;
    return false;
  }
  return true;
}

bool read_key_file(const std::string& path, SecureBytes& out, std::string& error) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (fd.get() < 0) {
    error = errno == ELOOP ? "management key file " + path + " is a symbolic link: not followed"
                           : "cannot open management key file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!key_file_usable(fd.get(), path, error)) return false;
  // Read into a buffer we wipe ourselves (an ifstream would keep copies in its own buffer).
  std::string text(kMaxKeyFile + 1, '\0');
  size_t used = 0;
  while (used < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read management key file " + path + ": " + std::strerror(errno);
      wipe(text);
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > kMaxKeyFile) {
    wipe(text);
    error = "management key file " + path + " is too big to hold a key";
    return false;
  }
  wipe(text.data() + used, text.size() - used);
  text.resize(used);
  const bool ok = from_hex(text, out) && out.size() > 0;
  wipe(text);
  if (!ok) error = "management key file " + path + " does not hold a key as hex text";
  return ok;
}

SecureBytes resolve_management_key(const uint8_t* key, size_t len, const std::string& key_file) {
  if (len > 0) {
    if (key == nullptr) throw PivError(EPORT_ERR_BAD_ARGS, "management key length without a key");
    return SecureBytes(key, len);
  }
  if (key_file.empty()) {
    throw PivError(EPORT_ERR_MGMT_KEY_REQUIRED,
                   "no management key given and no management_key_file configured for piv");
  }
  SecureBytes out;
  std::string error;
  if (!read_key_file(key_file, out, error)) throw PivError(EPORT_ERR_MGMT_KEY_REQUIRED, error);
  return out;
}

}  // namespace eport::piv
