#include "drivers/host_callbacks.hpp"

#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/plugin_instance.hpp"

namespace eport::drivers {

namespace {

constexpr std::size_t kMaxLogMessage = 1024;

// One printable line, so that a plug-in cannot forge log records.
std::string printable_line(const char* message) {
  std::string line(message, strnlen(message, kMaxLogMessage + 1));
  if (line.size() > kMaxLogMessage) line.replace(kMaxLogMessage, std::string::npos, "...");
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return line;
}

spdlog::level::level_enum to_spdlog(std::int32_t level) {
  switch (level) {
    case EPORT_LOG_ERROR: return spdlog::level::err;
    case EPORT_LOG_WARNING: return spdlog::level::warn;
    case EPORT_LOG_DEBUG: return spdlog::level::debug;
    default: return spdlog::level::info;
  }
}

// APDUs may carry a PIN (VERIFY, CHANGE REFERENCE DATA): do not leave copies in freed memory.
void wipe(std::vector<std::uint8_t>& bytes) {
  volatile std::uint8_t* p = bytes.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) p[i] = 0;
}

}  // namespace

void host_log(void* host_ctx, std::int32_t level, const char* message) noexcept {
  if (host_ctx == nullptr || message == nullptr) return;
  try {
    const auto* context = static_cast<const HostContext*>(host_ctx);
    context->logger->log(to_spdlog(level), "[driver {}] {}", context->driver_name, printable_line(message));
  } catch (...) {
    // Logging must never unwind into C code; a lost log line is the lesser harm.
  }
}

void record_status(StatusBox& box, const std::string& driver, spdlog::logger& logger,
                   const char* json) noexcept {
  if (json == nullptr) return;
  try {
    constexpr std::size_t kMaxStatus = 64 * 1024;
    const std::size_t length = strnlen(json, kMaxStatus + 1);
    auto parsed =
        length > kMaxStatus ? nlohmann::json() : nlohmann::json::parse(json, json + length, nullptr, false);
    if (!parsed.is_object()) {
      logger.warn("[driver {}] report_status: not a JSON object of at most 64 KiB; ignored", driver);
      return;
    }
    std::lock_guard<std::mutex> lock(box.mutex);
    box.value = std::move(parsed);
  } catch (...) {
    // A status is advisory: never unwind into C code.
  }
}

void host_report_status(void* host_ctx, const char* json) noexcept {
  if (host_ctx == nullptr) return;
  auto* context = static_cast<HostContext*>(host_ctx);
  record_status(*context->status, context->driver_name, *context->logger, json);
}

std::int32_t host_transmit(eport_channel* ch, const std::uint8_t* command, std::size_t command_len,
                           std::uint8_t* response, std::size_t* response_len) noexcept {
  if (ch == nullptr || ch->channel == nullptr || (command == nullptr && command_len != 0) ||
      response == nullptr || response_len == nullptr)
    return EPORT_ERR_BAD_ARGS;
  try {
    std::vector<std::uint8_t> apdu(command, command + command_len);
    std::vector<std::uint8_t> answer;
    const Status status = ch->channel->transmit(apdu, answer);
    wipe(apdu);
    std::int32_t result = to_abi(status);
    if (status == Status::Ok && answer.size() > *response_len) {
      result = EPORT_ERR_BUFFER_TOO_SMALL;
    } else if (status == Status::Ok && !answer.empty()) {
      std::memcpy(response, answer.data(), answer.size());
    }
    if (status == Status::Ok) *response_len = answer.size();
    wipe(answer);
    return result;
  } catch (const std::bad_alloc&) {
    return EPORT_ERR_NO_MEMORY;
  } catch (...) {
    return EPORT_ERR_TRANSMIT;
  }
}

}  // namespace eport::drivers
