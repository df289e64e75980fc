#pragma once
// Rate limit for refusal records: a peer that calls admin methods in a loop without the role
// must not fill the disk nor keep the audit writer busy. Per uid and method, the first refusal
// opens a window and is written; further refusals in that window are only counted; when the
// window ends, one summary record carries the count (`repeated`) and the details of the last.
// Pure logic: the caller passes the time.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_record.hpp"

namespace eport::audit {

/// Counts refusals per uid and method.
class RefusalLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `window`: how long after a written refusal further ones of the same uid and method are
  /// only counted.
  explicit RefusalLimiter(std::chrono::seconds window) : window_(window) {}

  /// A refusal at `now`: the records to write — none when it was only counted; else the summary
  /// of its ended window (if it counted something), then `record` itself.
  std::vector<AuditRecord> admit(const AuditRecord& record, Clock::time_point now);
  /// Summary records of the windows that ended by `now` (only those that counted something).
  std::vector<AuditRecord> expired(Clock::time_point now);
  /// Summary records of every open window (shutdown).
  std::vector<AuditRecord> flush();
  /// When the next open window ends; std::nullopt when none is open.
  std::optional<Clock::time_point> next_deadline() const;
  /// New window length for windows opened from now on.
  void set_window(std::chrono::seconds window) { window_ = window; }

 private:
  struct Window {
    Clock::time_point end;
    std::uint64_t counted = 0;
    AuditRecord last;  // the last refusal counted
  };
  static AuditRecord summary(const Window& window);

  std::chrono::seconds window_;
  std::map<std::pair<std::uint32_t, std::string>, Window> windows_;  // by uid and method
};

}  // namespace eport::audit
