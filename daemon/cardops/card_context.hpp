#pragma once
// What the card methods share, and the one way they run work on a token's worker.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cardops/cert_cache.hpp"
#include "cardops/deadline_timer.hpp"
#include "cardops/expiry_monitor.hpp"
#include "cardops/failure.hpp"
#include "cardops/puk_memory.hpp"
#include "cardops/read_coalescer.hpp"
#include "devices/token_registry.hpp"
#include "ipc/method_table.hpp"
#include "methods/service_context.hpp"
#include "x509/expiry.hpp"
#include "x509/summary_memo.hpp"

namespace eport::cardops {

/// Slot labels per token, as the driver last listed them (for cert.read / cert.write answers,
/// which do not list slots). Thread-safe.
class SlotLabels {
 public:
  /// Remembers the slots of a listing (the token's latest listing replaces the one before).
  void remember(const std::string& token, const std::vector<drivers::SlotInfo>& slots);
  /// The label of a slot, "" when never listed.
  std::string label(const std::string& token, const std::string& slot) const;
  /// The slots of the token's latest listing (empty when never listed): to name them when a
  /// caller asks for a slot the token does not have, without asking the token again.
  std::vector<drivers::SlotInfo> slots(const std::string& token) const;
  /// The token left.
  void forget(const std::string& token);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> labels_;
};

/// References to what main() owns; no singletons.
struct CardContext {
  methods::ServiceContext& service;    ///< config (limits.card_timeout_s), events, audit
  devices::TokenRegistry& registry;    ///< tokens and their workers
  ExpiryMonitor& expiry;               ///< cert.expiring / cert.expired bookkeeping
  x509::Clock clock;                   ///< wall clock (injected for tests)
  DeadlineTimer& timer;                ///< drops jobs not started by their deadline, answers `timeout`
  SlotLabels& labels;                  ///< slot labels for answers
  PukMemory& puks;                     ///< the last PUK counter each card reported
  CertCache& certs;                    ///< certificates as last read, for token.status
  ReadCoalescer& coalescer;            ///< identical read requests in flight share one card job
  x509::SummaryMemo& summaries;        ///< certificates parsed once per distinct DER
  std::atomic<std::uint64_t> jobs{0};  ///< card jobs submitted so far (job ids)
  std::int64_t started_unix = 0;       ///< when eportd started (job ids stay unique in the audit log)

  /// Now, in seconds since the epoch.
  std::int64_t now_unix() const { return x509::to_unix_seconds(clock()); }
  /// limits.card_timeout_s as configured now (a reload takes effect for the next job).
  std::chrono::seconds card_timeout() const;
};

/// The `slot` param: a slot id as the token lists it (1-128 printable characters, no spaces);
/// anything else is -32602. Whether the token has it is the token's to say (slot_names.hpp).
std::string slot_param(const nlohmann::json& params);

/// Answers `reply` with an application error.
void fail(const ipc::Reply& reply, const Failure& failure);

/// Overwrites a secret in memory (PIN, PUK, management key) before it is freed.
void wipe(std::string& secret);

/// Registers readers.list, tokens.list, token.status, cert.read, cert.check.
void register_read_methods(ipc::MethodTable& table, CardContext& context);
/// Registers pin.reset (admin), pin.change and pin.verify.
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
