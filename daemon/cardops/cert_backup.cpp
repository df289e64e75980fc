#include "cardops/cert_backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "eport/common/unique_fd.hpp"

namespace eport::cardops {

namespace {

std::string stamp(std::int64_t unix_time) {
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// Token ids may hold characters a path should not ("/" from a hostile driver): keep it safe.
std::string path_part(const std::string& text) {
  std::string out;
  for (char c : text)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "_" : out;
}

bool write_all(int fd, const std::vector<std::uint8_t>& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::optional<std::string> write_backup(const std::string& state_dir, const std::string& token,
                                        const std::string& slot, const std::vector<std::uint8_t>& der,
                                        std::int64_t unix_time, std::string& error) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(state_dir) / "backups" / path_part(token) / path_part(slot);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  ::chmod((fs::path(state_dir) / "backups").c_str(), 0700);
  for (int n = 0; n < 100; ++n) {
    const auto path = dir / (stamp(unix_time) + (n ? "-" + std::to_string(n) : "") + ".der");
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd && errno == EEXIST) continue;
    if (!fd) {
      error = "cannot create " + path.string() + ": " + std::strerror(errno);
      return std::nullopt;
    }
    const bool ok = write_all(fd.get(), der) && ::fsync(fd.get()) == 0;
    const int saved = errno;
    fd.reset();
    if (!ok) {
      error = "cannot write " + path.string() + ": " + std::strerror(saved);
      ::unlink(path.c_str());
      return std::nullopt;
    }
    // The directory entry must survive a crash too.
    if (UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dfd) ::fsync(dfd.get());
    return path.string();
  }
  error = "too many backups in " + dir.string() + " within one second";
  return std::nullopt;
}

}  // namespace eport::cardops
