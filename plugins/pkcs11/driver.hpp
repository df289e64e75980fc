#pragma once
// The C structs behind the ABI's opaque pointers, and what the exported functions share.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "module.hpp"
#include "options.hpp"
#include "session.hpp"

/// The plug-in's context: its modules and their slot events.
struct eport_driver {
  const eport_host* host = nullptr;                             ///< valid until shutdown()
  eport::pkcs11::Options options;                               ///< from host->config_json
  std::vector<std::unique_ptr<eport::pkcs11::Module>> modules;  ///< configured, then p11-kit's
  CK_FUNCTION_LIST** p11_kit = nullptr;                         ///< p11-kit's list, released last
  std::mutex mutex;                                             ///< guards the rest
  std::condition_variable changed;                              ///< a module saw a slot event
  std::uint64_t events = 0;                                     ///< slot events so far
  std::uint64_t seen = 0;                                       ///< events wait_change reported
  /// When wait_change last said "changed" (or enumerate ran): a module's wait can miss an event
  /// (OpenSC's C_WaitForSlotEvent takes its reader snapshot after checking its slots, so a card
  /// pulled in between is never reported), so the host is asked to list again every 10 s.
  std::chrono::steady_clock::time_point listed{};
  std::string last_status;  ///< last report_status text
};

/// One token: a module and the token's serial (its slot is looked up on every call).
struct eport_token {
  eport_driver* driver = nullptr;
  eport::pkcs11::Module* module = nullptr;
  std::string serial;
};

namespace eport::pkcs11 {

/// One line to the host's log (never throws).
void log_line(const eport_host* host, int32_t level, const std::string& message) noexcept;
/// A Logger writing to the host's log.
Logger logger_for(const eport_host* host);
/// Tells the host which modules work (report_status, ABI 1.1) when that changed.
void report_modules(eport_driver& driver);
/// Loads the modules registered with p11-kit that are not configured already.
void add_p11_kit_modules(eport_driver& driver);
/// "p11:<label>:<serial>".
std::string token_key(const Module& module, const std::string& serial);

/// Runs `body`, turning whatever it throws into a status (nothing may leave the plug-in).
template <typename Body>
int32_t guarded(const eport_host* host, const char* operation, Body&& body) noexcept {
  try {
    return body();
  } catch (const P11Error& error) {
    const bool answer = error.status() == EPORT_ERR_NOT_FOUND;
    log_line(host, answer ? EPORT_LOG_DEBUG : EPORT_LOG_WARNING,
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

/// Runs `body(use, seen)` for `token`: the module held for the call, the token found again.
template <typename Body>
int32_t on_token(eport_token* token, const char* operation, Body&& body) noexcept {
  const eport_host* host = token != nullptr ? token->driver->host : nullptr;
  return guarded(host, operation, [&]() -> int32_t {
    if (token == nullptr) throw P11Error(EPORT_ERR_BAD_ARGS, "NULL token");
    Module::Use use = token->module->use();
    const TokenSeen seen = find_token(use, token->serial);
    return body(use, seen);
  });
}

/// True when `member` of `out` lies inside out->struct_size (an older host's struct is shorter).
template <typename S, typename F>
bool covers(const S* out, F S::*member) {
  const auto offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&(out->*member)) -
                                               reinterpret_cast<const char*>(out));
  return offset + sizeof(F) <= out->struct_size;
}

/// Copies `text` into a fixed array member when the struct has it (cut, NUL-terminated).
template <typename S, std::size_t N>
void put_text(S* out, char (S::*member)[N], const std::string& text) {
  if (!covers(out, member)) return;
  char* to = out->*member;
  const std::size_t n = text.size() < N - 1 ? text.size() : N - 1;
  text.copy(to, n);
  to[n] = '\0';
}

/// Copies bytes to a caller buffer, or BUFFER_TOO_SMALL with the size needed.
int32_t copy_out(const Bytes& bytes, uint8_t* buffer, size_t* len);

// --- operations (pins.cpp, certs.cpp) ----------------------------------------------------------

/// The state of a PIN from the token's flags (no try spent; no count: PKCS#11 has none).
void pin_state(const CK_TOKEN_INFO& info, uint32_t which, eport_pin_info* out);
/// pin_reset: C_Login(CKU_SO) + C_InitPIN, logged out afterwards.
int32_t reset_pin(Module::Use& use, const TokenSeen& seen, const char* puk, size_t puk_len, const char* pin,
                  size_t pin_len, eport_pin_info* out);
/// pin_change: C_Login + C_SetPIN for the user PIN or the SO PIN.
int32_t change_pin(Module::Use& use, const TokenSeen& seen, uint32_t which, const char* old_pin,
                   size_t old_len, const char* new_pin, size_t new_len, eport_pin_info* out);
/// pin_verify: C_Login(CKU_USER) then C_Logout: the token is never left logged in.
int32_t verify_pin(Module::Use& use, const TokenSeen& seen, uint32_t which, const char* pin, size_t pin_len,
                   eport_pin_info* out);
/// cert_list: one slot per CKA_ID of a certificate or key object.
int32_t list_slots(Module::Use& use, const TokenSeen& seen, eport_slot_info* slots, size_t* count);
/// cert_read: the certificate object with that CKA_ID.
int32_t read_certificate(Module::Use& use, const TokenSeen& seen, const char* slot, uint8_t* der,
                         size_t* len);
/// slot_public_key: SPKI of the public key (or readable private key) with that CKA_ID.
int32_t public_key(Module::Use& use, const TokenSeen& seen, const char* slot, uint8_t* spki, size_t* len);
/// cert_write: create the new certificate object, read it back, then destroy the old one.
int32_t write_certificate(Module::Use& use, const TokenSeen& seen, const eport_host* host, const char* slot,
                          const uint8_t* der, size_t der_len, const uint8_t* pin, size_t pin_len);

}  // namespace eport::pkcs11
