// eport::drivers::Driver — one loaded driver plug-in, seen from C++.
//
// Public API of the host side (stable; used by devices, methods and main):
//   Driver (this file)          info(), supports(), and one method per ABI operation returning
//                               Result<T> {status, detail, value}
//   TokenHandle (token_handle)  RAII open token; close_token() on destruction
//   CardChannel (card_channel)  what the host lends a card driver: transmit(command, response);
//                               NoChannel for token providers
//   Status, Result, Outcome     (status.hpp) the ABI codes in C++
//   DriverInfo, TokenIdentity, PinInfo, SlotInfo, PinKind (types.hpp)
//   load_drivers / DriverLoader (loader.hpp) how Drivers come to exist
//
// Threading (the ABI's contract, which callers of this class must keep):
//   - match() and open_token() are serialised here by a mutex;
//   - operations on one TokenHandle must come from one thread at a time (the token's worker),
//     for card drivers inside a card transaction; different tokens may run concurrently;
//   - enumerate(), open_provider_token() and wait_change() from one watcher thread.
// A Driver may be destroyed while TokenHandles are alive: the plug-in stays loaded and
// shutdown() runs when the last token closes.
//
// Errors: every method returns a Result; nothing throws. Status::Internal with a detail covers
// unknown status codes and exceptions from a plug-in. Unsupported when the driver lacks the
// capability. Secrets (PIN, PUK, management key) are passed through, never copied or logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>
#include <nlohmann/json.hpp>

#include "drivers/card_channel.hpp"
#include "drivers/status.hpp"
#include "drivers/token_handle.hpp"
#include "drivers/types.hpp"

namespace eport::drivers {

class PluginInstance;
class Driver;

/// A Driver over an ops table that no library holds: `context` stands for what init() would
/// have returned and is passed to shutdown() when the Driver and its last token are gone. For
/// token providers served by a helper process (daemon/providers). `logger` receives messages.
std::unique_ptr<Driver> make_table_driver(const eport_driver_ops& ops, eport_driver* context, DriverInfo info,
                                          std::shared_ptr<spdlog::logger> logger);

/// One loaded, initialised driver plug-in. Created by the loader.
class Driver {
 public:
  /// Used by the loader: wraps an initialised plug-in.
  Driver(std::shared_ptr<PluginInstance> plugin, DriverInfo info);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// Name, version, ABI, library, kind, capabilities.
  const DriverInfo& info() const { return info_; }
  /// True when the driver is a card driver (else a token provider).
  bool is_card_driver() const;
  /// True when the capability bit (EPORT_CAP_*) is set and usable.
  bool supports(std::uint64_t capability) const;
  /// The plug-in's latest report_status object (ABI 1.1); null when it reported none.
  nlohmann::json reported_status() const;
  /// A function that records a status object as if the plug-in had called report_status (for
  /// providers served by a helper process, whose reports arrive over its socket). Callable from
  /// any thread for as long as you like: it does nothing once the plug-in is unloaded.
  std::function<void(const std::string&)> status_sink() const;

  // --- card drivers ---------------------------------------------------------------------------
  /// value true = the card is for this driver (Ok); false with NoMatch otherwise.
  Result<bool> match(CardChannel& channel, const std::vector<std::uint8_t>& atr);
  /// Open the token on a card match() accepted.
  Result<TokenHandle> open_token(CardChannel& channel);

  // --- token providers ------------------------------------------------------------------------
  /// Tokens present now.
  Result<std::vector<TokenIdentity>> enumerate();
  /// Open the token with `serial` (from enumerate()).
  Result<TokenHandle> open_provider_token(const std::string& serial);
  /// Ok = the token set may have changed; Timeout = nothing changed; Unsupported without
  /// the wait_change capability (then poll enumerate()).
  Outcome wait_change(std::chrono::milliseconds timeout);

  // --- operations on an open token (channel: the card's; NoChannel for token providers) -----
  /// Serial, label, model, manufacturer.
  Result<TokenIdentity> identify(TokenHandle& token, CardChannel& channel);
  /// State of a PIN; spends no try.
  Result<PinInfo> pin_status(TokenHandle& token, CardChannel& channel, PinKind which);
  /// Reset the user PIN with the PUK. On WrongPin / PinBlocked the value is the PUK's state;
  /// on Ok the user PIN's state after the reset.
  Result<PinInfo> pin_reset(TokenHandle& token, CardChannel& channel, std::string_view puk,
                            std::string_view new_pin);
  /// Change a PIN; the value is that PIN's state afterwards (tries left on WrongPin).
  Result<PinInfo> pin_change(TokenHandle& token, CardChannel& channel, PinKind which,
                             std::string_view old_pin, std::string_view new_pin);
  /// Check the user PIN and leave the token unverified (ABI 1.1; Unsupported for drivers
  /// without it). The value is the PIN's state afterwards (tries left on WrongPin).
  Result<PinInfo> pin_verify(TokenHandle& token, CardChannel& channel, PinKind which, std::string_view pin);
  /// Certificate / key slots.
  Result<std::vector<SlotInfo>> cert_list(TokenHandle& token, CardChannel& channel);
  /// Certificate in `slot` as DER; NotFound when the slot is empty.
  Result<std::vector<std::uint8_t>> cert_read(TokenHandle& token, CardChannel& channel,
                                              const std::string& slot);
  /// Store a DER certificate; an empty `management_key` means the driver's configured key.
  Outcome cert_write(TokenHandle& token, CardChannel& channel, const std::string& slot,
                     const std::vector<std::uint8_t>& der, const std::vector<std::uint8_t>& management_key);
  /// SubjectPublicKeyInfo (DER) of the key in `slot`.
  Result<std::vector<std::uint8_t>> slot_public_key(TokenHandle& token, CardChannel& channel,
                                                    const std::string& slot);

 private:
  bool usable(Status& status, std::string& detail, const TokenHandle& token, std::uint64_t capability,
              const char* operation) const;
  eport_token* token_of(const TokenHandle& token) const { return token.token_; }
  eport_channel* channel_arg(eport_channel& storage) const;

  std::shared_ptr<PluginInstance> plugin_;
  DriverInfo info_;
  std::mutex serial_;  // match/open_token are serialised by the host (ABI contract)
};

}  // namespace eport::drivers
