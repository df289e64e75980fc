#pragma once
// The certificates of each token as last read from the card, so that token.status can answer
// the PIN question fresh while the certificates come from memory. Certificates rarely change
// behind a card's back, but they can; an entry is used only while all of these hold:
//
// - the token is the same card insertion (a card pulled, or swapped between two looks of
//   pcscd's event counter, is a new token: its entry was forgotten at removal);
// - the card was not reset by another program since (the worker's reset count is unchanged);
// - eportd did not write to the token since (cert.write forgets the entry before it starts);
// - the entry is younger than `expiry.cert_max_age_s` (0: never used);
// - the caller did not ask for `fresh: true`.
//
// Thread-safe: the token workers store, the methods look up.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/types.hpp"

namespace eport::cardops {

/// The DER found in one slot.
struct SlotCertificate {
  drivers::SlotInfo slot;         ///< slot id and label
  std::vector<std::uint8_t> der;  ///< the certificate as stored
};

/// One token's certificate data and when it was read.
struct CachedCertificates {
  std::vector<drivers::SlotInfo> slots;               ///< every slot the driver listed
  std::vector<SlotCertificate> certificates;          ///< slots holding a certificate
  std::int64_t read_at = 0;                           ///< wall clock of the read, seconds since the epoch
  std::chrono::steady_clock::time_point read_steady;  ///< the same moment, for the age
  std::uint64_t resets = 0;                           ///< TokenSession::resets() when it was read
};

/// Certificate data per token id.
class CertCache {
 public:
  using Clock = std::chrono::steady_clock;

  /// Keeps what a complete reading found: the slots listed and the certificates in them.
  void store(const std::string& token, const std::vector<drivers::SlotInfo>& slots,
             const std::vector<SlotCertificate>& certificates, std::int64_t read_at, std::uint64_t resets,
             Clock::time_point now = Clock::now());
  /// The entry of `token` when it may still be used: read after the card's last reset
  /// (`resets` unchanged) and less than `max_age` ago (zero: never).
  std::optional<CachedCertificates> usable(const std::string& token, std::uint64_t resets,
                                           std::chrono::seconds max_age,
                                           Clock::time_point now = Clock::now()) const;
  /// Drops the entry: the token left, or eportd is about to write to it.
  void forget(const std::string& token);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, CachedCertificates> entries_;
};

}  // namespace eport::cardops
