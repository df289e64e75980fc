#include "audit/refusal_limiter.hpp"

namespace eport::audit {

std::vector<AuditRecord> RefusalLimiter::admit(const AuditRecord& record, Clock::time_point now) {
  std::vector<AuditRecord> due;
  const auto key = std::make_pair(record.uid, record.method);
  auto it = windows_.find(key);
  if (it != windows_.end() && now < it->second.end) {
    ++it->second.counted;
    it->second.last = record;
    return due;
  }
  if (it != windows_.end() && it->second.counted > 0)
    due.push_back(summary(it->second));  // ended, not collected
  windows_[key] = Window{now + window_, 0, record};
  due.push_back(record);
  return due;
}

AuditRecord RefusalLimiter::summary(const Window& window) {
  AuditRecord record = window.last;
  record.time = std::chrono::system_clock::now();
  record.repeated = window.counted;
  return record;
}

std::vector<AuditRecord> RefusalLimiter::expired(Clock::time_point now) {
  std::vector<AuditRecord> due;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now < it->second.end) {
      ++it;
      continue;
    }
    if (it->second.counted > 0) due.push_back(summary(it->second));
    it = windows_.erase(it);
  }
  return due;
}

std::vector<AuditRecord> RefusalLimiter::flush() {
  std::vector<AuditRecord> due;
  for (const auto& [key, window] : windows_)
    if (window.counted > 0) due.push_back(summary(window));
  windows_.clear();
  return due;
}

std::optional<RefusalLimiter::Clock::time_point> RefusalLimiter::next_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [key, window] : windows_)
    if (!next || window.end < *next) next = window.end;
  return next;
}

}  // namespace eport::audit
