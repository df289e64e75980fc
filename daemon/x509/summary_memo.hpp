#pragma once
// Certificates are parsed once per distinct DER, not once per answer. token.status answers from
// certificates eportd already holds (cardops/cert_cache.hpp), and a token provider's library
// hands back the same bytes every time: parsing and summarising them again (names, key type,
// SHA-256) was most of what a token.status cost in eportd's own CPU (docs/benchmarks.md). The
// memo keeps what does not depend on the time; days_left and state are worked out at each call.
//
// Thread-safe. Bounded: past `capacity` distinct certificates the least recently used goes.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eport/common/expected.hpp"
#include "x509/certificate.hpp"
#include "x509/certificate_summary.hpp"

namespace eport::x509 {

/// Summaries of certificates by their DER.
class SummaryMemo {
 public:
  /// What the memo answers: the summary, or why the bytes are not a certificate.
  using Outcome = Expected<CertificateSummary, CertificateError>;

  /// Keeps at most `capacity` (at least 1) distinct certificates.
  explicit SummaryMemo(std::size_t capacity = 64);

  /// The summary of `der` at `now_unix` with `warn_days` (slot and label left empty), exactly
  /// as summarise(Certificate::from_der(der), …) gives it; parsed only the first time.
  Outcome summarise(const std::vector<std::uint8_t>& der, std::int64_t now_unix,
                    const std::vector<int>& warn_days);

  /// How many times the bytes were parsed (a miss), for tests.
  std::uint64_t parses() const;

 private:
  struct Entry {
    std::string der;
    Outcome outcome;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;                                                  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into order_
  std::uint64_t parses_ = 0;
};

}  // namespace eport::x509
