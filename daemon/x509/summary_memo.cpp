#include "x509/summary_memo.hpp"

#include <algorithm>
#include <string_view>

namespace eport::x509 {

namespace {

SummaryMemo::Outcome parse_and_summarise(const std::vector<std::uint8_t>& der) {
  auto parsed = Certificate::from_der(der);
  if (!parsed) return unexpected(parsed.error());
  // The time fields are recomputed at every call; the time given here does not matter.
  return summarise(*parsed, std::chrono::system_clock::time_point{}, {});
}

}  // namespace

SummaryMemo::SummaryMemo(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

SummaryMemo::Outcome SummaryMemo::summarise(const std::vector<std::uint8_t>& der, std::int64_t now_unix,
                                            const std::vector<int>& warn_days) {
  const std::string_view key(reinterpret_cast<const char*>(der.data()), der.size());
  Outcome outcome = unexpected(CertificateError{});
  {
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found != index_.end()) {
      order_.splice(order_.begin(), order_, found->second);
      outcome = found->second->outcome;
    } else {
      ++parses_;
      outcome = parse_and_summarise(der);
      order_.push_front({std::string(key), outcome});
      index_.emplace(std::string_view(order_.front().der), order_.begin());
      if (order_.size() > capacity_) {
        index_.erase(std::string_view(order_.back().der));
        order_.pop_back();
      }
    }
  }
  if (outcome) {
    outcome->days_left = days_left(outcome->not_after_unix, now_unix);
    outcome->state = classify(outcome->not_before_unix, outcome->not_after_unix, now_unix, warn_days);
  }
  return outcome;
}

std::uint64_t SummaryMemo::parses() const {
  std::lock_guard lock(mutex_);
  return parses_;
}

}  // namespace eport::x509
