#include "abi_glue.hpp"

#include <cstring>

namespace eport::piv {

void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept {
  if (host != nullptr && host->log != nullptr) host->log(host->host_ctx, level, message.c_str());
}

Logger logger_for(const eport_host* host) {
  return [host](int32_t level, const std::string& message) { log_line(host, level, message); };
}

ApduChannel channel_for(const eport_host* host, eport_channel* ch) {
  const bool has_session = host->struct_size >= EPORT_HOST_SIZE_1_2 && host->channel_session != nullptr;
  return ApduChannel(
      [host, ch](const uint8_t* command, size_t len, uint8_t* response, size_t* response_len) {
        return host->transmit(ch, command, len, response, response_len);
      },
      has_session ? host->channel_session(ch) : 0);
}

Slot slot_named(const char* name) {
  if (name == nullptr) throw PivError(EPORT_ERR_BAD_ARGS, "NULL slot name");
  const auto slot = find_slot(name);
  if (!slot) throw PivError(EPORT_ERR_BAD_ARGS, std::string("unknown PIV slot \"") + name + "\"");
  return *slot;
}

int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len) {
  if (len == nullptr) throw PivError(EPORT_ERR_BAD_ARGS, "NULL length");
  const size_t capacity = *len;
  *len = bytes.size();
  if (buffer == nullptr || capacity < bytes.size()) return EPORT_ERR_BUFFER_TOO_SMALL;
  std::memcpy(buffer, bytes.data(), bytes.size());
  return EPORT_OK;
}

void log_failure(const eport_host* host, const char* operation, int32_t status, const char* reason) noexcept {
  try {
    // An empty slot or a card that is not PIV is an answer, not a problem.
    const bool answer = status == EPORT_ERR_NOT_FOUND || status == EPORT_ERR_NO_MATCH;
    const int32_t level = status == EPORT_ERR_INTERNAL ? EPORT_LOG_ERROR
                          : answer                     ? EPORT_LOG_DEBUG
                                                       : EPORT_LOG_WARNING;
    log_line(host, level, std::string(operation) + ": " + reason);
  } catch (...) {
  }
}

}  // namespace eport::piv
