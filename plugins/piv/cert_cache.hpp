#pragma once
// Certificates that cert_list just read, kept for the cert_read calls that follow it in the same
// status query so that each certificate crosses the card interface once. An entry is used at
// most once and only while younger than the lifetime; any write on the token clears all.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "bytes.hpp"

namespace eport::piv {

/// The clock the cache ages entries by (injected so tests need not sleep).
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

/// What a slot held when it was read: a certificate (DER) or nothing (empty slot).
using SlotContent = std::optional<Bytes>;

/// Short-lived, use-once certificate cache for one token.
class CertCache {
 public:
  /// `lifetime` 0 disables the cache.
  CertCache(std::chrono::milliseconds lifetime, SteadyClock clock)
      : lifetime_(lifetime), clock_(std::move(clock)) {}

  /// Remember what slot `key_ref` held just now.
  void put(uint8_t key_ref, SlotContent content);
  /// What slot `key_ref` held, if read recently and not used yet; the entry is consumed.
  std::optional<SlotContent> take(uint8_t key_ref);
  /// Like take() but leaves the entry in place.
  std::optional<SlotContent> peek(uint8_t key_ref) const;
  /// Forget everything (after a write, or when the card may have changed).
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    SlotContent content;
    std::chrono::steady_clock::time_point read_at;
  };
  bool fresh(const Entry& entry) const;

  std::chrono::milliseconds lifetime_;
  SteadyClock clock_;
  std::map<uint8_t, Entry> entries_;
};

}  // namespace eport::piv
