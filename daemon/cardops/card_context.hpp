#pragma once
// What the card methods share, and the one way they run work on a token's worker.

#include <functional>
#include <memory>
#include <string>

#include "cardops/expiry_monitor.hpp"
#include "cardops/failure.hpp"
#include "devices/token_registry.hpp"
#include "ipc/method_table.hpp"
#include "methods/service_context.hpp"
#include "x509/expiry.hpp"

namespace eport::cardops {

/// References to what main() owns; no singletons.
struct CardContext {
  methods::ServiceContext& service;   ///< config, events, audit
  devices::TokenRegistry& registry;   ///< tokens and their workers
  ExpiryMonitor& expiry;              ///< cert.expiring / cert.expired bookkeeping
  x509::Clock clock;                  ///< wall clock (injected for tests)

  /// Now, in seconds since the epoch.
  std::int64_t now_unix() const { return x509::to_unix_seconds(clock()); }
};

/// Runs `work` on `token`'s worker inside a card transaction. When the job could not be queued
/// or did not complete, `reply` gets the protocol error; otherwise `finish` runs (on the
/// worker's thread, after the transaction) and answers.
void run_on_token(CardContext& context, const std::string& token, bool read_only,
                  std::function<void(devices::TokenSession&)> work, std::function<void()> finish,
                  const ipc::Reply& reply);

/// Answers `reply` with an application error.
void fail(const ipc::Reply& reply, const Failure& failure);

/// Overwrites a secret in memory (PIN, PUK, management key) before it is freed.
void wipe(std::string& secret);

/// Registers readers.list, tokens.list, token.status, cert.read, cert.check.
void register_read_methods(ipc::MethodTable& table, CardContext& context);
/// Registers pin.reset (admin) and pin.change.
void register_pin_methods(ipc::MethodTable& table, CardContext& context);
/// Registers cert.write (admin).
void register_cert_write_method(ipc::MethodTable& table, CardContext& context);

/// Every method that touches a card.
inline void register_card_methods(ipc::MethodTable& table, CardContext& context) {
  register_read_methods(table, context);
  register_pin_methods(table, context);
  register_cert_write_method(table, context);
}

}  // namespace eport::cardops
