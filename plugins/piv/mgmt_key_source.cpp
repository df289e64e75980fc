#include "mgmt_key_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

bool read_key_file(const std::string& path, SecureBytes& out, std::string& error) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    error = "cannot open management key file " + path + ": " + std::strerror(errno);
    return false;
  }
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
