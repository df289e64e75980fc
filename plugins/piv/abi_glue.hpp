#pragma once
// What every exported function needs: the C structs behind the ABI's opaque pointers, and a
// wrapper that turns C++ exceptions into status codes (nothing may cross the boundary).

#include <eport/driver.h>

#include <new>
#include <string>

#include "piv_error.hpp"
#include "token.hpp"

/// The driver context: the host's services and the parsed options.
struct eport_driver {
  const eport_host* host = nullptr;   ///< valid until shutdown()
  eport::piv::DriverOptions options;  ///< from host->config_json at init()
};

/// One open card.
struct eport_token {
  eport_driver* driver = nullptr;  ///< the context that opened it
  eport::piv::Token token;         ///< state and operations
};

namespace eport::piv {

/// Send one line to the host's log (never throws; a NULL host or log is ignored).
void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept;

/// A Logger that writes to the host's log.
Logger logger_for(const eport_host* host);

/// An APDU channel over the host's transmit for the channel of the current call.
ApduChannel channel_for(const eport_host* host, eport_channel* ch);

/// The slot called `name`; throws PivError BAD_ARGS for NULL or unknown names.
Slot slot_named(const char* name);

/// Copy `bytes` to a caller buffer (capacity in *len, length out), or BUFFER_TOO_SMALL with the
/// size needed in *len.
int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len);

/// Log an operation's failure at a level that fits it.
void log_failure(const eport_host* host, const char* operation, int32_t status, const char* reason) noexcept;

/// Runs `body` and converts whatever it throws into a status code.
template <typename Body>
int32_t guarded(const eport_host* host, const char* operation, Body&& body) noexcept {
  try {
    return body();
  } catch (const PivError& error) {
    log_failure(host, operation, error.status(), error.what());
    return error.status();
  } catch (const std::bad_alloc&) {
    return EPORT_ERR_NO_MEMORY;
  } catch (const std::exception& error) {
    log_failure(host, operation, EPORT_ERR_INTERNAL, error.what());
    return EPORT_ERR_INTERNAL;
  } catch (...) {
    return EPORT_ERR_INTERNAL;
  }
}

/// Runs a card operation on `token` with a PivCard over `ch`; logs its APDU count at debug.
template <typename Body>
int32_t on_card(eport_token* token, eport_channel* ch, const char* operation, Body&& body) noexcept {
  const eport_host* host = token != nullptr ? token->driver->host : nullptr;
  return guarded(host, operation, [&]() -> int32_t {
    if (token == nullptr || ch == nullptr) throw PivError(EPORT_ERR_BAD_ARGS, "NULL token or channel");
    ApduChannel channel = channel_for(host, ch);
    PivCard card(channel);
    const int32_t status = body(token->token, card);
    log_line(host, EPORT_LOG_DEBUG,
             std::string(operation) + ": " + std::to_string(channel.apdu_count()) + " APDUs");
    return status;
  });
}

}  // namespace eport::piv
