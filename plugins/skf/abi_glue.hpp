#pragma once
// The C structs behind the ABI's opaque pointers, the exception barrier, and writing into the
// host's out-structs only as far as their struct_size reaches.
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include <eport/driver.h>

#include "provider.hpp"
#include "skf_error.hpp"
#include "token.hpp"

/// The driver context.
struct eport_driver {
  const eport_host* host = nullptr;                ///< valid until shutdown()
  std::unique_ptr<eport::skf::Provider> provider;  ///< libraries and watches
};

/// One open token.
struct eport_token {
  eport_driver* driver = nullptr;  ///< the context that opened it
  eport::skf::SkfToken token;      ///< the USBKey
};

namespace eport::skf {

/// One line to the host's log (never throws; NULL host or log ignored).
void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept;

/// True when `member` of `out` lies inside out->struct_size.
template <typename S, typename F>
bool covers(const S* out, F S::*member) {
  const auto offset = static_cast<size_t>(reinterpret_cast<const char*>(&(out->*member)) -
                                          reinterpret_cast<const char*>(out));
  return offset + sizeof(F) <= out->struct_size;
}

/// Copies `text` into a char array member (cut to fit, NUL-terminated) when the caller has it.
template <typename S, size_t N>
void set_text(S* out, char (S::*member)[N], const std::string& text) {
  if (!covers(out, member)) return;
  char* field = out->*member;
  const size_t len = text.size() < N - 1 ? text.size() : N - 1;
  std::memcpy(field, text.data(), len);
  field[len] = '\0';
}

/// Sets a scalar member when the caller has it.
template <typename S, typename F, typename V>
void set_field(S* out, F S::*member, V value) {
  if (covers(out, member)) out->*member = static_cast<F>(value);
}

/// Copies bytes into a caller buffer, or BUFFER_TOO_SMALL with the size needed.
int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len);

/// Runs `body`, turning whatever it throws into a status (logged at a fitting level).
template <typename Body>
int32_t guarded(const eport_host* host, const char* operation, Body&& body) noexcept {
  try {
    return body();
  } catch (const SkfError& error) {
    const bool init = std::string(operation) == "init";
    const bool expected = error.status() == EPORT_ERR_NOT_FOUND || error.status() == EPORT_ERR_BAD_ARGS;
    log_line(host,
             init       ? EPORT_LOG_ERROR
             : expected ? EPORT_LOG_DEBUG
                        : EPORT_LOG_WARNING,
             std::string(operation) + ": " + error.what());
    return error.status();
  } catch (const std::bad_alloc&) {
    return EPORT_ERR_NO_MEMORY;
  } catch (const std::exception& error) {
    log_line(host, EPORT_LOG_ERROR, std::string(operation) + ": " + error.what());
    return EPORT_ERR_INTERNAL;
  } catch (...) {
    return EPORT_ERR_INTERNAL;
  }
}

}  // namespace eport::skf
