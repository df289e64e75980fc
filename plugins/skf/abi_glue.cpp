#include "abi_glue.hpp"

namespace eport::skf {

void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept {
  if (host == nullptr || host->log == nullptr) return;
  try {
    host->log(host->host_ctx, level, message.c_str());
  } catch (...) {
  }
}

int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len) {
  if (len == nullptr) return EPORT_ERR_BAD_ARGS;
  if (buffer == nullptr || *len < bytes.size()) {
    *len = bytes.size();
    return EPORT_ERR_BUFFER_TOO_SMALL;
  }
  std::memcpy(buffer, bytes.data(), bytes.size());
  *len = bytes.size();
  return EPORT_OK;
}

}  // namespace eport::skf
