#include "audit/audit_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <sstream>
#include <stdexcept>

namespace eport::audit {

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

/// Records of one file's tail, oldest first, at most `limit`.
std::deque<nlohmann::json> file_tail(const std::string& path, std::size_t limit) {
  std::deque<nlohmann::json> records;
  std::istringstream in;
  {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return records;
    in.str(last_lines(fd.get(), limit));
  }
  std::string line;
  while (std::getline(in, line)) {
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) continue;  // e.g. a line cut by a crash
    records.push_back(std::move(record));
    if (records.size() > limit) records.pop_front();
  }
  return records;
}

}  // namespace

AuditFile::AuditFile(std::string path, std::uint64_t max_bytes, std::uint32_t keep)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {
  if (!open_file()) {
    throw std::runtime_error("cannot open the audit log " + path_ + ": " + std::strerror(errno) +
                             "; check that state_dir exists and is writable by eportd");
  }
}

bool AuditFile::open_file() {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd_) return false;
  // An older file may have been created with a wider mode: audit records are not for everyone.
  struct stat info {};
  if (::fchmod(fd_.get(), 0600) != 0 || ::fstat(fd_.get(), &info) != 0) {
    const int error = errno;
    fd_.reset();
    errno = error;
    return false;
  }
  size_ = static_cast<std::uint64_t>(info.st_size);
  return true;
}

std::string AuditFile::rotated(std::uint32_t generation) const {
  return generation == 0 ? path_ : path_ + "." + std::to_string(generation);
}

void AuditFile::rotate() {
  fd_.reset();
  ::unlink(rotated(keep_).c_str());  // the oldest goes (with keep 0: the current file itself)
  for (std::uint32_t generation = keep_; generation > 0; --generation)
    ::rename(rotated(generation - 1).c_str(), rotated(generation).c_str());
  open_file();
}

bool AuditFile::append(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ && max_bytes_ > 0 && size_ > 0 && size_ + line.size() > max_bytes_) rotate();
  if (!fd_ && !open_file()) return false;  // e.g. the disk was full at the last rotation
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_.get(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  size_ += line.size();
  return ::fsync(fd_.get()) == 0;
}

void AuditFile::set_rotation(std::uint64_t max_bytes, std::uint32_t keep) {
  std::lock_guard<std::mutex> lock(mutex_);
  max_bytes_ = max_bytes;
  keep_ = keep;
}

std::vector<nlohmann::json> AuditFile::tail(std::size_t limit) const {
  std::deque<nlohmann::json> records;
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::uint32_t generation = 0; generation <= keep_ && records.size() < limit; ++generation) {
    auto older = file_tail(rotated(generation), limit - records.size());
    records.insert(records.begin(), older.begin(), older.end());
  }
  return {records.begin(), records.end()};
}

}  // namespace eport::audit
