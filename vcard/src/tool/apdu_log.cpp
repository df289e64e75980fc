#include "apdu_log.hpp"

#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "hex.hpp"

namespace eport::vcard::tool {

namespace {

std::string iso_now() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  gmtime_r(&tv.tv_sec, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", static_cast<long>(tv.tv_usec));
  return buf;
}

}  // namespace

ApduLog::ApduLog(const std::string& path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "ae");
  if (file_ == nullptr) {
    throw std::runtime_error("--apdu-log: cannot open " + path + ": " + std::strerror(errno));
  }
}

ApduLog::~ApduLog() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string ApduLog::masked_hex(const std::vector<uint8_t>& command) {
  bool secret = command.size() > 5 && (command[1] == 0x20 || command[1] == 0x24 || command[1] == 0x2C ||
                                       command[1] == 0xFE || command[1] == 0xFF);
  if (!secret) return to_hex(command);
  return to_hex(command.data(), 5) + std::string((command.size() - 5) * 2, 'x');
}

void ApduLog::write(const std::vector<uint8_t>& command, const std::vector<uint8_t>& response) {
  if (file_ == nullptr) return;
  std::fprintf(file_, "%s %s %s\n", iso_now().c_str(), masked_hex(command).c_str(), to_hex(response).c_str());
  std::fflush(file_);
}

void ApduLog::event(const char* what) {
  if (file_ == nullptr) return;
  std::fprintf(file_, "%s %s\n", iso_now().c_str(), what);
  std::fflush(file_);
}

}  // namespace eport::vcard::tool
