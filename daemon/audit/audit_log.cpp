#include "audit/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
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
  const std::string line = to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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

std::vector<nlohmann::json> AuditLog::tail(std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ifstream in(path_);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(std::move(line));
    if (lines.size() > limit) lines.pop_front();
  }
  std::vector<nlohmann::json> records;
  for (const auto& text : lines) {
    auto record = nlohmann::json::parse(text, nullptr, false);
    if (!record.is_discarded()) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace eport::audit
