#include "audit/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <sstream>
#include <stdexcept>

namespace eport::audit {

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the audit log " + path_ + ": " + std::strerror(errno) +
                             "; check that state_dir exists and is writable by eportd");
  }
  // An older file may have been created with a wider mode: audit records are not for everyone.
  if (::fchmod(fd_, 0600) != 0) {
    const int error = errno;
    ::close(fd_);
    throw std::runtime_error("cannot set mode 0600 on " + path_ + ": " + std::strerror(error));
  }
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AuditLog::append(const AuditRecord& record) {
  const std::string line =
      to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return ::fsync(fd_) == 0;
}

namespace {

/// The text of the last `limit` lines of `fd`, read backwards in blocks so that a log of years
/// costs no more than the records asked for.
std::string last_lines(int fd, std::size_t limit) {
  constexpr off_t kBlock = 64 * 1024;
  struct stat info {};
  if (::fstat(fd, &info) != 0) return {};
  off_t start = info.st_size;
  std::string text;
  std::size_t newlines = 0;
  while (start > 0 && newlines <= limit) {
    const off_t size = std::min(kBlock, start);
    start -= size;
    std::string block(static_cast<std::size_t>(size), '\0');
    const ssize_t n = ::pread(fd, block.data(), block.size(), start);
    if (n != size) return text;
    newlines += static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'));
    text.insert(0, block);
  }
  return text;
}

}  // namespace

std::vector<nlohmann::json> AuditLog::tail(std::size_t limit) const {
  std::string text;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    text = last_lines(fd, limit);
    ::close(fd);
  }
  std::deque<nlohmann::json> records;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) continue;  // e.g. a line cut by a crash
    records.push_back(std::move(record));
    if (records.size() > limit) records.pop_front();
  }
  return {records.begin(), records.end()};
}

}  // namespace eport::audit
